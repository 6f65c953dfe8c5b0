/**
 * Send to Agent…: a prompt typed into the VS Code terminal an agent runs in (a real terminal whose shell is the
 * agent process's ancestor), and into the tmux pane the real hook forwarder reported (a tmux server of its own, on a
 * socket in the test's folder); refused in plain words, typing nothing, while the agent's turn or its background work
 * runs.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { SendOutcome } from '../../../extension/src/commands/sendToAgent.js';
import { useDaemonUnderTest, waitInSync } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';

const run = promisify(execFile);

suite('Send to Agent', function () {
  this.timeout(90_000);
  const ctx = useDaemonUnderTest();
  let dir: string;
  const terminals: vscode.Terminal[] = [];

  suiteSetup(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'send-to-agent-'));
  });
  suiteTeardown(() => {
    for (const terminal of terminals) terminal.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (agentId: string, text: string): Thenable<SendOutcome> => vscode.commands.executeCommand<SendOutcome>('agentTracker.sendToAgent', { agentId }, text);

  test('into the VS Code terminal the agent descends from, only once its turn and its background work have ended', async () => {
    const pidFile = path.join(dir, 'agent.pid');
    const received = path.join(dir, 'received.txt');
    // The "agent": a process under the terminal's shell that reads one line from the terminal and writes it down.
    const agentScript = 'echo $$ > "$1"; IFS= read -r line; printf "%s\\n" "$line" > "$2"; sleep 600';
    const terminal = vscode.window.createTerminal({
      name: 'agent shell',
      shellPath: '/bin/sh',
      shellArgs: ['-c', `sh -c '${agentScript}' agent "${pidFile}" "${received}"; exit`],
    });
    terminals.push(terminal);
    const shellPid = await pollUntil('the terminal’s shell', async () => await terminal.processId);
    const agentPid = Number(await pollUntil('the agent’s pid', () => (existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() || undefined : undefined)));
    assert.notEqual(agentPid, shellPid, 'the agent is a child of the terminal’s shell, not the shell itself');
    ctx.daemon.ok(await ctx.daemon.post('/v1/agents/echo/heartbeat', { name: 'Echo agent', meta: { pid: agentPid, host: hostname() } }), 'heartbeat');
    await ctx.daemon.createTask({ id: 'echo-turn', title: 'Fix the tests', state: 'active', agentId: 'echo' });
    await waitInSync(ctx.api, ctx.daemon);

    const busy = await send('echo', 'typed while busy');
    assert.equal(busy.sent, false);
    assert.match((busy as { why: string }).why, /^Echo agent is still working on "Fix the tests"\. Send when its turn has ended\.$/);

    // The turn ends, but the agent still runs a shell in the background.
    await ctx.daemon.createTask({ id: 'echo-bg', title: 'Background: npm run watch', state: 'active', agentId: 'echo', input: { backgroundTask: 'b1' } });
    await ctx.daemon.transition('echo-turn', 'done');
    await waitInSync(ctx.api, ctx.daemon);
    const background = await send('echo', 'typed during background work');
    assert.match((background as { why: string }).why, /still runs background work \(Background: npm run watch\)/);

    await ctx.daemon.transition('echo-bg', 'done');
    await waitInSync(ctx.api, ctx.daemon);
    assert.deepEqual(await send('echo', 'run the tests again'), { sent: true, via: 'terminal' });
    // The refused prompts typed nothing: the agent's first line is exactly the one sent.
    const line = await pollUntil('the agent to read the prompt', () => (existsSync(received) ? readFileSync(received, 'utf8') || undefined : undefined));
    assert.equal(line, 'run the tests again\n');
  });

  test('a prompt with a line break or a control character is refused, nothing typed', async () => {
    ctx.daemon.ok(await ctx.daemon.post('/v1/agents/lonely/heartbeat', { name: 'Lonely agent', meta: { pid: process.pid, host: hostname(), tmuxPane: '%999' } }), 'heartbeat');
    await waitInSync(ctx.api, ctx.daemon);
    assert.deepEqual(await send('lonely', 'first\nsecond'), { sent: false, why: 'One line of text, without control characters.' });
  });

  test('into the tmux pane the hook forwarder reported, on that tmux server, the text taken literally', async () => {
    // A tmux server of the test's own, its socket in the suite's folder (removed with it).
    const socket = path.join(dir, 'tmux.sock');
    const session = 'in-tmux';
    const payload = JSON.stringify({ session_id: session, transcript_path: '', cwd: dir, hook_event_name: 'SessionStart' });
    const cli = path.join(ctx.api.cliBinDir, 'agent-tracker');
    // The pane runs what an agent's hook runs, then reads one line typed into it, as an agent's prompt would be.
    const paneScript = `printf "%s" "$1" | AGENT_TRACKER_HOME="$2" "$3" hook claude-code; IFS= read -r line; printf "got:%s\\n" "$line"; sleep 600`;
    const paneCommand = `sh -c '${paneScript}' pane '${payload}' '${ctx.daemon.home}' '${cli}'`;
    await run('tmux', ['-S', socket, '-f', '/dev/null', 'new-session', '-d', '-x', '200', '-y', '20', paneCommand]);
    try {
      const agentId = `claude-code:${session}`;
      const agent = await pollUntil('the agent, with its tmux pane', () => (ctx.api.model.getAgent(agentId)?.meta.tmuxPane ? ctx.api.model.getAgent(agentId) : undefined), 20_000);
      const { stdout } = await run('tmux', ['-S', socket, 'display-message', '-p', '#{pane_id} #{socket_path}']);
      assert.equal(`${agent.meta.tmuxPane} ${agent.meta.tmuxSocket}`, stdout.trim(), 'the pane and the server’s socket, as tmux names them');

      const text = `-n "quoted" $(echo no) \`id\` ; exit`;
      assert.deepEqual(await send(agentId, text), { sent: true, via: 'tmux' });
      const pane = await pollUntil('the prompt in the pane', async () => {
        const captured = (await run('tmux', ['-S', socket, 'capture-pane', '-p', '-t', agent.meta.tmuxPane as string])).stdout;
        return captured.includes('got:') ? captured : undefined;
      });
      assert.ok(pane.includes(`got:${text}\n`), pane);
    } finally {
      await run('tmux', ['-S', socket, 'kill-server']).catch(() => undefined);
    }
  });

  test('an agent in no terminal of this window and in no tmux pane: says so, sends nothing', async () => {
    ctx.daemon.ok(await ctx.daemon.post('/v1/agents/elsewhere/heartbeat', { name: 'Elsewhere agent', meta: { pid: process.pid, host: hostname() } }), 'heartbeat');
    await waitInSync(ctx.api, ctx.daemon);
    const outcome = await send('elsewhere', 'hello');
    assert.equal(outcome.sent, false);
    assert.match((outcome as { why: string }).why, /^Elsewhere agent runs in no terminal of this VS Code window and in no tmux pane/);
  });
});
