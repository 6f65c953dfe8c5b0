/**
 * Sessions started before the hooks were installed: Claude Code lists every live session in `~/.claude/sessions/`,
 * and the daemon shows each as an agent, marked as seen without hooks, that goes offline when its process exits.
 * The folder is the agent's: the daemon only reads it, and nothing in it (a FIFO, a link, a huge or foreign file, a
 * dead or reused pid) blocks the daemon or makes an agent up.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Agent } from '../../../daemon/src/protocol/index.js';
import { systemProcessProbe } from '../../../daemon/src/engine/processProbe.js';
import { ensureAgentClis } from '../../host/agentClis.js';
import { makeAgentSandbox } from '../../support/realAgents/agentSandbox.js';
import { launchAgent, startFakeModelFor } from '../../support/realAgents/agentLaunch.js';
import { pollUntil } from '../../support/poll.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

async function agents(d: TestDaemon): Promise<Agent[]> {
  return (await d.http.request<{ items: Agent[] }>('GET', '/v1/agents')).body.items;
}

describe('sessions without hooks: Claude Code’s own registry of live sessions', function () {
  this.timeout(60_000);
  let dir: string;
  let d: TestDaemon;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'agent-tracker-sessions-'));
    d = await startTestDaemon({ settings: { claudeSessionsDir: dir } });
  });
  afterEach(async () => {
    await d?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sessionFile = (pid: number, startedAt: number, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ pid, sessionId: `s-${pid}`, cwd: '/work/api-server', startedAt, procStart: '1', version: '2.1.197', kind: 'interactive', ...extra });

  it('a live session becomes an agent seen without hooks; hooks for it later clear the mark', async () => {
    const started = systemProcessProbe(process.pid);
    assert.ok(started.alive);
    writeFileSync(path.join(dir, `${process.pid}.json`), sessionFile(process.pid, started.startedAt ?? Date.now()));
    const agent = await pollUntil('the session’s agent', async () => (await agents(d)).find((a) => a.id === `claude-code:s-${process.pid}`));
    assert.equal(agent.name, 'Claude Code · api-server');
    assert.deepEqual(
      { kind: agent.meta.kind, pid: agent.meta.pid, cwd: agent.meta.cwd, sessionId: agent.meta.sessionId, seenWithoutHooks: agent.meta.seenWithoutHooks },
      { kind: 'claude-code', pid: process.pid, cwd: '/work/api-server', sessionId: `s-${process.pid}`, seenWithoutHooks: true },
    );
    const hook = await d.http.request('POST', '/v1/hooks/claude-code', {
      body: { session_id: `s-${process.pid}`, hook_event_name: 'SessionStart', cwd: '/work/api-server', transcript_path: '' },
    });
    assert.equal(hook.status, 202, JSON.stringify(hook.body));
    const hooked = await pollUntil('the mark cleared', async () => {
      const found = (await agents(d)).find((a) => a.id === `claude-code:s-${process.pid}`);
      return found && found.meta.seenWithoutHooks === undefined ? found : undefined;
    });
    assert.equal(hooked.meta.kind, 'claude-code');
  });

  it('dead and reused pids, foreign formats, links, FIFOs and huge files make no agent and block nothing', async () => {
    const dead = Number(execFileSync('sh', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' }).trim());
    writeFileSync(path.join(dir, `${dead}.json`), sessionFile(dead, Date.now()));
    // This process, but the file says it started a day earlier: another process had the pid.
    writeFileSync(path.join(dir, `${process.pid}.json`), sessionFile(process.pid, Date.now() - 86_400_000));
    writeFileSync(path.join(dir, '4242.json'), sessionFile(4242, Date.now(), { version: '3.0.0' }));
    writeFileSync(path.join(dir, '4243.json'), '{"pid": 4243, "sessionId": "x"');
    writeFileSync(path.join(dir, '4244.json'), ' '.repeat(1024 * 1024));
    execFileSync('mkfifo', [path.join(dir, '4245.json')]);
    const target = path.join(dir, 'elsewhere');
    mkdirSync(target);
    writeFileSync(path.join(target, 'session.json'), sessionFile(process.pid, Date.now()));
    symlinkSync(path.join(target, 'session.json'), path.join(dir, '4246.json'));
    // A file named after another pid than the one it holds.
    const probed = systemProcessProbe(process.pid);
    writeFileSync(path.join(dir, '4247.json'), sessionFile(process.pid, probed.alive && probed.startedAt !== undefined ? probed.startedAt : Date.now()));
    // Several scans go by; writes keep working meanwhile.
    for (let i = 0; i < 3; i++) {
      const created = await d.http.request('POST', '/v1/tasks', { body: { title: `write ${i}` } });
      assert.equal(created.status, 201);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assert.deepEqual((await agents(d)).filter((a) => a.meta.kind === 'claude-code').map((a) => a.id), []);
    assert.ok(d.logLines.some((line) => line.includes('3.0.0 is not a version this reader knows')), d.logLines.join('\n'));
  });
});

describe('sessions without hooks: the real Claude Code', function () {
  this.timeout(3 * 60_000);

  before(async function () {
    this.timeout(20 * 60_000);
    await ensureAgentClis();
  });

  it('a session run with no hooks installed appears while it runs and goes offline when its process exits', async () => {
    const sandbox = makeAgentSandbox('no-hooks');
    const model = await startFakeModelFor('claude-code', { command: 'sleep 3', finalText: 'Slept.' });
    const d = await startTestDaemon({ settings: { claudeSessionsDir: path.join(sandbox.home, '.claude', 'sessions') } });
    try {
      const run = launchAgent('claude-code', { sandbox, model, prompt: 'Sleep for three seconds.' });
      const live = await pollUntil('the running session as an agent', async () =>
        (await agents(d)).find((a) => a.meta.kind === 'claude-code' && a.meta.pid === run.pid && a.status !== 'offline'),
      );
      assert.equal(live.meta.seenWithoutHooks, true);
      assert.equal(live.meta.cwd, sandbox.workspace);
      assert.equal(live.name, `Claude Code · ${path.basename(sandbox.workspace)}`);
      const exit = await run.exited;
      assert.equal(exit.code, 0, exit.stderr.slice(-2000));
      const gone = await pollUntil('the agent offline after its process exited', async () => {
        const agent = (await agents(d)).find((a) => a.id === live.id);
        return agent?.status === 'offline' ? agent : undefined;
      });
      assert.equal(gone.id, live.id);
    } finally {
      await d.close();
      await model.close();
      sandbox.remove();
    }
  });
});
