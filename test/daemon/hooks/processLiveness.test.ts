/**
 * Process liveness with a real process: an agent whose pid runs on this host stays online without heartbeats; once
 * the process is killed (-9) the agent is offline and its open work stuck `process_exited` within about a second.
 * The pid-reuse guard is checked on its own with a probe that reports chosen start times.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import type { Agent, Task } from '../../../daemon/src/protocol/index.js';
import { ProcessWatch } from '../../../daemon/src/engine/liveness.js';
import type { ProcessStatus } from '../../../daemon/src/engine/processProbe.js';
import { TrackerState } from '../../../daemon/src/store/state.js';
import { holdsFor, pollUntil } from '../../support/poll.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

const SESSION = '0b6f3f8e-1d7e-4a52-9a3e-5f1f8c9d2e41';
const AGENT = `claude-code:${SESSION}`;

function hook(d: TestDaemon, pid: number, payload: Record<string, unknown>) {
  return d.http.post('/v1/hooks/claude-code', { session_id: SESSION, cwd: '/work/app', transcript_path: '/nonexistent/t.jsonl', ...payload }, {
    headers: { 'x-agent-pid': String(pid), 'x-observed-at': new Date().toISOString() },
  });
}

describe('hooks: process liveness', () => {
  let d: TestDaemon;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    d = await startTestDaemon({ settings: { agentTimeoutMs: 1000 } });
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    child = undefined;
    await d?.close();
  });

  const agent = async () => (await d.http.ok(d.http.get<{ items: Agent[] }>('/v1/agents'))).items.find((a) => a.id === AGENT);
  const task = async () => (await d.http.ok(d.http.get<{ items: Task[] }>('/v1/tasks'))).items[0];

  it('keeps an agent whose process runs online without heartbeats; kill -9 makes it offline and its work stuck process_exited', async () => {
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const pid = child.pid as number;
    await hook(d, pid, { hook_event_name: 'SessionStart', source: 'startup' });
    await hook(d, pid, { hook_event_name: 'UserPromptSubmit', prompt_id: 'p1', prompt: 'Run the tests' });
    await hook(d, pid, { hook_event_name: 'PreToolUse', prompt_id: 'p1', tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_use_id: 't1' });
    assert.deepEqual([(await agent())?.meta.pid, (await task())?.step], [pid, 'Bash: npm test']);

    // Three agent timeouts without a word from the agent: its running process is enough.
    await holdsFor('the agent stays online', async () => (await agent())?.status === 'busy', 3000);

    const killedAt = Date.now();
    child.kill('SIGKILL');
    const stuck = await pollUntil('the task stuck process_exited', async () => {
      const current = await task();
      return current?.stuck?.reason === 'process_exited' ? current : undefined;
    }, 10_000);
    const elapsed = Date.now() - killedAt;
    assert.ok(elapsed < 3000, `caught ${elapsed} ms after the kill`);
    assert.equal(stuck.state, 'active');
    assert.equal((await agent())?.status, 'offline');
    // Later passes keep the reason (the agent is offline, but it was its process that ended).
    await holdsFor('the reason stays process_exited', async () => (await task())?.stuck?.reason === 'process_exited', 1000);
  });

  it('an agent killed right after it first reported, before any pass looked at its process, is still caught process_exited', async () => {
    await d.close();
    // No heartbeat timeout to fall back on: only the process's end can make the agent offline here.
    d = await startTestDaemon({ settings: { agentTimeoutMs: 600_000 } });
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await hook(d, child.pid as number, { hook_event_name: 'UserPromptSubmit', prompt_id: 'p1', prompt: 'Build' });
    await hook(d, child.pid as number, { hook_event_name: 'PreToolUse', prompt_id: 'p1', tool_name: 'Bash', tool_input: { command: 'make' }, tool_use_id: 't1' });
    child.kill('SIGKILL');
    const stuck = await pollUntil('the task stuck process_exited', async () => {
      const current = await task();
      return current?.stuck?.reason === 'process_exited' ? current : undefined;
    }, 5000);
    assert.equal(stuck.state, 'active');
    assert.equal((await agent())?.status, 'offline');
  });

  it('a new payload from the resumed session (a new process) brings the agent back and its work goes on', async () => {
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await hook(d, child.pid as number, { hook_event_name: 'UserPromptSubmit', prompt_id: 'p1', prompt: 'Build' });
    await hook(d, child.pid as number, { hook_event_name: 'PreToolUse', prompt_id: 'p1', tool_name: 'Bash', tool_input: { command: 'make' }, tool_use_id: 't1' });
    child.kill('SIGKILL');
    await pollUntil('stuck', async () => ((await task())?.stuck ? true : undefined));
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await hook(d, child.pid as number, { hook_event_name: 'PostToolUse', prompt_id: 'p1', tool_name: 'Bash', tool_input: { command: 'make' }, tool_use_id: 't1', duration_ms: 5 });
    await pollUntil('unstuck and busy', async () => ((await task())?.stuck === null && (await agent())?.status === 'busy' ? true : undefined));
    assert.equal((await agent())?.meta.pid, child.pid);
  });

  /** Hooks every 200 ms for `ms`, as a working agent sends them (each one a heartbeat). */
  async function keepReporting(pid: number, ms: number): Promise<void> {
    const end = Date.now() + ms;
    for (let i = 2; Date.now() < end; i++) {
      await hook(d, pid, { hook_event_name: 'PreToolUse', prompt_id: 'p1', tool_name: 'Bash', tool_input: { command: `step ${i}` }, tool_use_id: `t${i}` });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('a dead pid reported by a live agent does not mark it exited: its hooks keep it, its work is not stuck', async () => {
    const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((resolve) => gone.once('exit', resolve));
    const pid = gone.pid as number;
    await hook(d, pid, { hook_event_name: 'UserPromptSubmit', prompt_id: 'p1', prompt: 'Keep going' });
    const checks = keepReporting(pid, 3000);
    await holdsFor('the agent online, its task not stuck', async () => (await agent())?.status !== 'offline' && (await task())?.stuck === null, 2500);
    await checks;
  });

  for (const [name, pidOf] of [
    ['pid 1', async () => 1],
    ['a pid of another user', otherUsersProcess],
  ] as const) {
    it(`${name} does not keep a silent agent alive: it goes offline by its heartbeats, not process_exited`, async () => {
      const pid = await pidOf();
      await hook(d, pid, { hook_event_name: 'UserPromptSubmit', prompt_id: 'p1', prompt: 'Then fall silent' });
      const offline = await pollUntil('offline', async () => ((await agent())?.status === 'offline' ? true : undefined), 10_000);
      assert.equal(offline, true);
      assert.notEqual((await task())?.stuck?.reason, 'process_exited');
    });
  }

  /** A running process owned by someone else: started as `nobody` when the suite runs as root, else one found. */
  async function otherUsersProcess(): Promise<number> {
    if (process.getuid?.() === 0) {
      child = spawn('sleep', ['60'], { stdio: 'ignore', uid: 65534, gid: 65534 });
      return child.pid as number;
    }
    const own = process.getuid?.();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || entry === '1') continue;
      try {
        if (statSync(`/proc/${entry}`).uid !== own) return Number(entry);
      } catch {
        // Gone meanwhile.
      }
    }
    throw new Error('no process of another user on this machine');
  }
});

describe('process liveness: the pid-reuse guard', () => {
  const seenAt = Date.parse('2026-01-01T10:00:00.000Z');

  function stateWith(meta: Agent['meta']): TrackerState {
    const state = new TrackerState();
    state.loadAgent({
      id: 'a', name: 'a', capabilities: [], status: 'online', lastSeenAt: new Date(seenAt).toISOString(),
      meta, registeredAt: new Date(seenAt - 60_000).toISOString(), usage: null,
    });
    return state;
  }

  const cases: { name: string; meta: Agent['meta']; probes: ProcessStatus[]; offlineAt: number | null; alive?: boolean }[] = [
    { name: 'a process that runs since before the agent was seen is the agent', meta: { pid: 10, host: 'here' }, probes: [{ alive: true, startedAt: seenAt - 5000 }, { alive: true, startedAt: seenAt - 5000 }], offlineAt: null, alive: true },
    { name: 'a pid whose process started after the agent was last seen is an unrelated process: not trusted, not exited', meta: { pid: 10, host: 'here' }, probes: [{ alive: true, startedAt: seenAt + 60_000 }], offlineAt: null, alive: false },
    { name: 'a pid whose start time changed between passes was reused', meta: { pid: 10, host: 'here' }, probes: [{ alive: true, startedAt: seenAt - 5000 }, { alive: true, startedAt: seenAt + 1000 }], offlineAt: 1 },
    { name: 'a trusted process that ends is gone', meta: { pid: 10, host: 'here' }, probes: [{ alive: true, startedAt: seenAt - 5000 }, { alive: false }], offlineAt: 1 },
    { name: 'a pid never seen running is not trusted: the agent is left to its heartbeats', meta: { pid: 10, host: 'here' }, probes: [{ alive: false }, { alive: false }], offlineAt: null, alive: false },
    { name: 'pid 1 is never the agent', meta: { pid: 1, host: 'here' }, probes: [{ alive: true, startedAt: seenAt - 5000 }], offlineAt: null, alive: false },
    { name: 'another user’s process is not the agent', meta: { pid: 10, host: 'here' }, probes: [{ alive: true, startedAt: seenAt - 5000, sameUser: false }], offlineAt: null, alive: false },
    { name: 'a trusted pid that turns out another user’s now was reused', meta: { pid: 10, host: 'here' }, probes: [{ alive: true, startedAt: seenAt - 5000, sameUser: true }, { alive: true, sameUser: false }], offlineAt: 1 },
    { name: 'where the OS gives no start time, existence decides', meta: { pid: 10, host: 'here' }, probes: [{ alive: true }, { alive: true }], offlineAt: null, alive: true },
    { name: 'a start time that comes later (a command’s answer) is taken, then guards', meta: { pid: 10, host: 'here' }, probes: [{ alive: true }, { alive: true, startedAt: seenAt - 5000 }, { alive: true, startedAt: seenAt + 3000 }], offlineAt: 2 },
    { name: 'an agent of another host is not this daemon’s to check', meta: { pid: 10, host: 'elsewhere' }, probes: [{ alive: false }], offlineAt: null },
    { name: 'an agent that gave no host is not checked', meta: { pid: 10 }, probes: [{ alive: false }], offlineAt: null },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const state = stateWith(c.meta);
      let pass = 0;
      const watch = new ProcessWatch('here', () => c.probes[Math.min(pass, c.probes.length - 1)] as ProcessStatus);
      let offlineAt: number | null = null;
      for (; pass < c.probes.length; pass++) {
        const drafts = watch.check(state, seenAt + 1000 * (pass + 1));
        if (drafts.some((draft) => draft.type === 'agent.offline' && draft.data.reason === 'process_exited')) {
          offlineAt = pass;
          break;
        }
      }
      assert.equal(offlineAt, c.offlineAt);
      if (c.alive !== undefined) assert.equal(watch.isAlive('a'), c.alive, 'kept alive by its process');
    });
  }

  it('an agent back online with the pid already found gone is left to its heartbeats, not sent offline again', () => {
    const state = stateWith({ pid: 10, host: 'here' });
    let running = true;
    const watch = new ProcessWatch('here', () => (running ? { alive: true, startedAt: seenAt - 5000 } : { alive: false }));
    assert.deepEqual(watch.check(state, seenAt + 500), []);
    running = false;
    assert.equal(watch.check(state, seenAt + 1000).filter((d) => d.type === 'agent.offline').length, 1);
    // Another process of the same agent id heartbeats it back online; its meta still names the dead pid.
    assert.deepEqual(watch.check(state, seenAt + 2000), []);
    assert.equal(watch.isAlive('a'), false, 'its heartbeats, not the dead pid, keep it');
  });

  it('the system probe tells this process apart from a pid that does not run', async () => {
    const { systemProcessProbe } = await import('../../../daemon/src/engine/processProbe.js');
    const self = systemProcessProbe(process.pid);
    assert.equal(self.alive, true);
    if (process.platform === 'linux' && self.alive) {
      const started = Date.now() - process.uptime() * 1000;
      assert.ok(Math.abs((self.startedAt ?? 0) - started) < 2000, `start ${self.startedAt} vs ${started}`);
    }
    assert.equal(systemProcessProbe(2 ** 22 + 12345).alive, false);
  });
});

