/**
 * Approvals with the real Codex, interactive (its terminal UI in a tmux pane of a private tmux server, offline against
 * the fake model, `-a on-request -s read-only`): the model asks to run a command outside the sandbox, Codex runs its
 * PermissionRequest hook, and the decision taken in the tracker reaches it. Allowed from the API, the command runs;
 * then, the turn over, the next prompt goes in the way Send to Agent… types it (the extension's own decision and tmux
 * invocations, into the pane the forwarder reported from Codex's environment); denied from the CLI, the command does
 * not run and the model reads the reason. (`codex exec` never asks: its approval policy is `never`.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Agent, Approval, Task } from '../../../daemon/src/protocol/index.js';
import { runTmux } from '../../../extension/src/common/tmux.js';
import { ENTER_AFTER_MS, sendTarget, tmuxSendArgs, whyNotNow } from '../../../extension/src/model/sendToAgent.js';
import { agentBins } from '../../host/hostPaths.js';
import { ensureAgentClis } from '../../host/agentClis.js';
import { providerEnv } from '../../support/realAgents/agentLaunch.js';
import type { TurnScript } from '../../support/fakeModel/turnScript.js';
import { pollUntil } from '../../support/poll.js';
import { cliEnv, runCli } from '../support/runCli.js';
import { makeAgentWorld, type AgentWorld } from './agentWorld.js';

const run = promisify(execFile);

describe('real agents: approvals decided from the tracker (Codex, interactive, in tmux)', function () {
  this.timeout(4 * 60_000);
  /** A tmux server of the test's own, its socket in a folder the test removes. */
  const socketDir = mkdtempSync(path.join(tmpdir(), 'agent-tracker-tmux-'));
  const socket = path.join(socketDir, 's');
  let world: AgentWorld;
  let runs: string;

  before(async function () {
    this.timeout(20 * 60_000);
    await ensureAgentClis();
    await run('tmux', ['-V']).catch(() => assert.fail('tmux is needed (Debian package tmux; .ci/run installs it)'));
  });
  after(async () => {
    await run('tmux', ['-S', socket, 'kill-server']).catch(() => undefined);
    rmSync(socketDir, { recursive: true, force: true });
    await world?.close();
  });

  const screen = async (): Promise<string> => (await run('tmux', ['-S', socket, 'capture-pane', '-p', '-t', '%0']).catch(() => ({ stdout: '(no pane)' }))).stdout;
  const pending = (): Promise<Approval> =>
    pollUntil('Codex’s approval', async () => (await world.http().ok(world.http().get<{ items: Approval[] }>('/v1/approvals?state=pending'))).items[0], 60_000, 100).catch(async (error: Error) =>
      assert.fail(`${error.message}; the pane shows:\n${await screen()}`),
    );
  const taskOf = async (approval: Approval): Promise<Task> => world.http().ok(world.http().get<Task>(`/v1/tasks/${encodeURIComponent(approval.taskId ?? '')}`));
  const turnDone = (approval: Approval): Promise<Task> => pollUntil('the turn done', async () => ((await taskOf(approval)).state === 'done' ? taskOf(approval) : undefined), 60_000);
  const ranCount = (): number => (existsSync(runs) ? readFileSync(runs, 'utf8').split('\n').filter(Boolean).length : 0);

  it('allowed from the API the command runs; the next prompt typed into its pane as Send to Agent does; denied from the CLI it does not run and the model reads why', async () => {
    // Codex runs it in the workspace; its read-only sandbox refuses the write, so the model asks to leave the sandbox.
    const script: TurnScript = { command: 'echo ran >> ../runs.txt', finalText: 'Done.', escalation: 'Record the run next to the workspace' };
    world = await makeAgentWorld('codex', script);
    runs = path.join(world.sandbox.root, 'runs.txt');
    const install = await runCli(['hooks', 'install', '--agent', 'codex', '--approvals', '--approval-wait', '60', '--home', world.trackerHome], {
      env: cliEnv({ HOME: world.sandbox.home, CODEX_HOME: world.sandbox.codexHome }),
      timeoutMs: 60_000,
    });
    assert.equal(install.code, 0, install.stderr);
    // The workspace is trusted, as a user answers Codex's first question about a folder.
    const config = path.join(world.sandbox.codexHome, 'config.toml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}\n[projects."${world.sandbox.workspace}"]\ntrust_level = "trusted"\n`);

    // Only the sandbox's environment, plus what tmux gives the pane (TMUX, TMUX_PANE), as for any program run in tmux.
    const env = { ...world.sandbox.env, ...providerEnv('codex', world.model), TERM: 'xterm-256color', NO_COLOR: undefined, CI: undefined };
    const assignments = Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
    const codex = [agentBins.codex, '--dangerously-bypass-hook-trust', '-a', 'on-request', '-s', 'read-only', '--no-alt-screen'];
    const launcher = 'exec env -i TMUX="$TMUX" TMUX_PANE="$TMUX_PANE" "$@"';
    const quoted = ['sh', '-c', launcher, 'codex', ...assignments, ...codex].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
    await run('tmux', ['-S', socket, '-f', '/dev/null', 'new-session', '-d', '-x', '160', '-y', '45', '-c', world.sandbox.workspace, quoted]);
    await pollUntil('Codex’s prompt', async () => ((await screen()).includes('OpenAI Codex') ? true : undefined), 60_000);
    await runTmux(
      [
        ['-S', socket, 'send-keys', '-t', '%0', '-l', '--', 'Record a run.'],
        ['-S', socket, 'send-keys', '-t', '%0', 'Enter'],
      ],
      ENTER_AFTER_MS,
    );

    const first = await pending();
    assert.equal(first.tool, 'Bash');
    assert.equal(first.summary, `Bash(${script.command})`);
    assert.equal((first.input as { description?: string }).description, script.escalation, 'the model’s justification comes along');
    const agentNow = async (): Promise<Agent> => {
      const found = (await world.http().ok(world.http().get<{ items: Agent[] }>('/v1/agents'))).items.find((a) => a.id === first.agentId);
      assert.ok(found, 'Codex’s session is an agent');
      return found;
    };
    const agent = await agentNow();
    const { stdout: where } = await run('tmux', ['-S', socket, 'display-message', '-p', '-t', '%0', '#{pane_id} #{socket_path}']);
    assert.equal(`${agent.meta.tmuxPane} ${agent.meta.tmuxSocket}`, where.trim(), 'the forwarder passed on the pane Codex runs in');
    const tasks = async (): Promise<Task[]> => (await world.http().ok(world.http().get<{ items: Task[] }>(`/v1/tasks?agentId=${encodeURIComponent(agent.id)}&limit=100`))).items;
    const facts = async () => ({ agent: await agentNow(), tasks: await tasks(), connected: true, host: hostname() });
    assert.match(whyNotNow(await facts()) ?? '', /is waiting for permission: Bash\(echo ran/, 'Send to Agent refuses while Codex waits');

    const allowed = await world.http().post<Approval>(`/v1/approvals/${first.id}/decision`, { decision: 'allow' });
    assert.equal(allowed.status, 200, allowed.text);
    await turnDone(first);
    assert.equal(ranCount(), 1, 'allowed: the command ran');

    // The turn is over and nothing runs in the background: Send to Agent types the next prompt into Codex's pane.
    const idle = await facts();
    assert.equal(whyNotNow(idle), undefined);
    const target = sendTarget(idle.agent, false);
    assert.deepEqual(target, { kind: 'tmux', pane: agent.meta.tmuxPane, socket: agent.meta.tmuxSocket });
    await runTmux(tmuxSendArgs(target as Extract<typeof target, { kind: 'tmux' }>, 'Record another run.'), ENTER_AFTER_MS);

    const second = await pending();
    assert.notEqual(second.taskId, first.taskId, 'a new turn');
    assert.equal((await taskOf(second)).title, 'Record another run.', 'the prompt typed is the turn’s');
    const reason = 'Keep everything inside the workspace.';
    const denied = await runCli(['deny', second.id, '--reason', reason, '--home', world.trackerHome], { env: cliEnv() });
    assert.equal(denied.code, 0, denied.stderr);
    await turnDone(second);
    assert.equal(ranCount(), 1, 'denied: the command did not run');
    const outputs = world.model.requests.flatMap((r) => ((r.body as { input?: { type?: string; output?: unknown }[] } | undefined)?.input ?? []).filter((i) => i.type === 'function_call_output'));
    assert.ok(outputs.some((o) => JSON.stringify(o.output).includes(reason)), `the model read the reason: ${JSON.stringify(outputs)}`);
    const all = (await world.http().ok(world.http().get<{ items: Approval[] }>('/v1/approvals'))).items;
    const decided = [...all].sort((a, b) => a.requestedAt.localeCompare(b.requestedAt)).map((a) => [a.state, a.via]);
    assert.deepEqual(decided, [['allowed', 'api'], ['denied', 'cli']]);
  });
});
