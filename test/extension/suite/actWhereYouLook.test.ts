/**
 * What needs the user, one key away: the Agents view's order and words, ended sessions folded, Go to Next Waiting
 * Agent and Focus Terminal, the notifications setting, a calm offline state, and the CLI and demo where the user is.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { WaitingTarget } from '../../../extension/src/commands/nextWaiting.js';
import type { ShownNotification } from '../../../extension/src/views/notifier.js';
import { useDaemonUnderTest, waitInSync } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';
import { readTree, type Row } from './support/treeSnapshot.js';

const run = promisify(execFile);

suite('Act where you look', function () {
  this.timeout(90_000);
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('agentTracker');
  const terminals: vscode.Terminal[] = [];

  suiteTeardown(async () => {
    for (const terminal of terminals) terminal.dispose();
    await config().update('notifications', 'none', vscode.ConfigurationTarget.Global);
  });

  const ctx = useDaemonUnderTest(async (daemon) => {
    await daemon.heartbeat('alpha', 'Alpha quiet');
    await daemon.heartbeat('bravo', 'Bravo works');
    await daemon.heartbeat('charlie', 'Charlie waits');
    await daemon.createTask({ id: 'bravo-work', title: 'Compile', state: 'active', agentId: 'bravo' });
    await daemon.createTask({ id: 'charlie-asks', title: 'Clean up', state: 'active', agentId: 'charlie' });
    await daemon.transition('charlie-asks', 'paused', { needsInput: { kind: 'permission', message: 'Bash(rm -rf build)' } });
  });

  /** The agent rows, of every host group when agents of several hosts report (hook sessions carry this host's name). */
  const agentRows = async (): Promise<Row[]> => (await readTree(ctx.api.providers.agents, undefined, 3)).flatMap((r) => (r.contextValue === 'host' ? r.children : [r]));
  const hostGroups = async (): Promise<Row[][]> => {
    const rows = await readTree(ctx.api.providers.agents, undefined, 3);
    return rows.every((r) => r.contextValue === 'host') ? rows.map((r) => r.children) : [rows];
  };

  test('the Agents view: needs you, then busy, then idle; the waiting agent says "needs you"', async () => {
    const rows = await pollUntil('the agents in order', async () => {
      const all = await agentRows();
      return all.map((r) => r.label).join() === 'Charlie waits,Bravo works,Alpha quiet' ? all : undefined;
    });
    assert.match((rows[0] as Row).description, /^needs you/);
    assert.equal((rows[0] as Row).contextValue, 'agent.needs');
    assert.match((rows[1] as Row).description, /^busy/);
    assert.match((rows[2] as Row).description, /^idle/);
    // Answered: back in its place.
    await ctx.daemon.transition('charlie-asks', 'active');
    await pollUntil('the order once answered', async () => ((await agentRows()).map((r) => r.label).join() === 'Bravo works,Charlie waits,Alpha quiet' ? true : undefined));
    await ctx.daemon.transition('charlie-asks', 'paused', { needsInput: { kind: 'permission', message: 'Bash(rm -rf build)' } });
    await pollUntil('waiting again', async () => ((await agentRows())[0]?.label === 'Charlie waits' ? true : undefined));
  });

  test('ended sessions fold into one row per folder', async () => {
    for (const session of ['fold-1', 'fold-2']) {
      const start = await ctx.daemon.post('/v1/hooks/claude-code', { session_id: session, hook_event_name: 'SessionStart', cwd: '/work/api-server', transcript_path: '' });
      assert.equal(start.status, 202, JSON.stringify(start.body));
    }
    let labels: string[] = [];
    await pollUntil('two live sessions', async () => {
      labels = (await agentRows()).map((r) => `${r.label} [${r.description}]`);
      return labels.filter((l) => l.startsWith('Claude Code · api-server')).length === 2 ? true : undefined;
    }).catch((error: Error) => assert.fail(`${error.message}: ${labels.join(' | ')} / model: ${[...ctx.api.model.agents()].map((a) => a.name).join(', ')}`));
    for (const session of ['fold-1', 'fold-2']) {
      await ctx.daemon.post('/v1/hooks/claude-code', { session_id: session, hook_event_name: 'SessionEnd', cwd: '/work/api-server', transcript_path: '', reason: 'exit' });
    }
    const folded = await pollUntil('the folded row', async () => (await agentRows()).find((r) => r.label === '2 ended sessions'));
    assert.equal(folded.description, 'api-server');
    assert.deepEqual(folded.children.map((r) => r.label), ['Claude Code · api-server', 'Claude Code · api-server']);
    const group = (await hostGroups()).find((rows) => rows.some((r) => r.label === '2 ended sessions')) as Row[];
    assert.equal(group.at(-1)?.label, '2 ended sessions', 'after the live agents');
    assert.ok(!(await agentRows()).some((r) => r.label === 'Claude Code · api-server'), 'not listed one by one');
  });

  test('Go to Next Waiting Agent: the terminal of an agent that runs in one, else the waiting task’s page; round after round', async () => {
    const terminal = vscode.window.createTerminal({ name: 'agent shell' });
    terminals.push(terminal);
    const shellPid = await pollUntil('the shell pid', async () => await terminal.processId);
    ctx.daemon.ok(await ctx.daemon.post('/v1/agents/delta/heartbeat', { name: 'Delta in a terminal', meta: { pid: shellPid } }), 'heartbeat');
    await ctx.daemon.createTask({ id: 'delta-asks', title: 'Push the branch', state: 'active', agentId: 'delta' });
    await ctx.daemon.transition('delta-asks', 'paused', { needsInput: { kind: 'question', message: 'Which remote?' } });
    await waitInSync(ctx.api, ctx.daemon);
    await pollUntil('two waiting agents', () => (ctx.api.agentTree.waitingAgents().length === 2 ? true : undefined));
    const first = await vscode.commands.executeCommand<WaitingTarget>('agentTracker.nextWaiting');
    const second = await vscode.commands.executeCommand<WaitingTarget>('agentTracker.nextWaiting');
    const third = await vscode.commands.executeCommand<WaitingTarget>('agentTracker.nextWaiting');
    assert.deepEqual([first.taskId, second.taskId, third.taskId], ['charlie-asks', 'delta-asks', 'charlie-asks'], 'in the view’s order, then round again');
    assert.equal(first.shown, 'page', 'Charlie runs in no terminal here: its task page');
    assert.ok(ctx.api.taskPage('charlie-asks'), 'the page is open');
    assert.equal(second.shown, 'terminal');
    await pollUntil('the agent’s terminal active', () => (vscode.window.activeTerminal === terminal ? true : undefined));
    ctx.api.taskPage('charlie-asks')?.panel.dispose();
    const focused = await vscode.commands.executeCommand<vscode.Terminal | undefined>('agentTracker.focusTerminal', { agentId: 'delta' });
    assert.equal(focused, terminal);
    const fromTask = await vscode.commands.executeCommand<vscode.Terminal | undefined>('agentTracker.focusTerminal', 'delta-asks');
    assert.equal(fromTask, terminal, 'a task row names its agent');
  });

  test('notifications "needsYou": a waiting agent notifies, a failure does not; "all" combines a burst without zero counts', async () => {
    const shown: ShownNotification[] = [];
    const subscription = ctx.api.onDidShowNotification((n) => shown.push(n));
    try {
      await config().update('notifications', 'needsYou', vscode.ConfigurationTarget.Global);
      await ctx.daemon.createTask({ id: 'quiet-fail', title: 'Fails quietly', state: 'active', agentId: 'bravo' });
      await ctx.daemon.transition('quiet-fail', 'failed', { error: 'exit 1' });
      await ctx.daemon.createTask({ id: 'loud-ask', title: 'Asks loudly', state: 'active', agentId: 'bravo' });
      await ctx.daemon.transition('loud-ask', 'paused', { needsInput: { kind: 'permission', message: 'Edit(src/app.ts)' } });
      await pollUntil('the needs-you notification', () => shown.find((n) => n.taskIds.includes('loud-ask')));
      await waitInSync(ctx.api, ctx.daemon);
      assert.equal(shown.filter((n) => n.taskIds.includes('quiet-fail')).length, 0, 'no failure toast under needsYou');

      await config().update('notifications', 'all', vscode.ConfigurationTarget.Global);
      const ops = Array.from({ length: 5 }, (_, i) => ({ op: 'create', taskId: `burst-${i}`, title: `Burst ${i}`, state: 'active', agentId: 'bravo' }));
      ctx.daemon.ok(await ctx.daemon.post('/v1/events', ops), 'burst create');
      const fails = Array.from({ length: 5 }, (_, i) => ({ op: 'transition', taskId: `burst-${i}`, to: 'failed', error: 'boom' }));
      ctx.daemon.ok(await ctx.daemon.post('/v1/events', fails), 'burst failure');
      const summary = await pollUntil('one summary', () => shown.find((n) => n.kind === 'summary'));
      assert.equal(summary.message, 'Agent Tracker: 5 tasks need attention (5 failed).');
      await waitInSync(ctx.api, ctx.daemon);
      assert.equal(shown.filter((n) => n.taskIds.some((id) => id.startsWith('burst-'))).length, 1, 'one toast for the burst');
    } finally {
      subscription.dispose();
    }
  });

  test('agent-tracker is on PATH in integrated terminals, running the bundled CLI', async () => {
    const env = ctx.api.terminalEnvironment();
    const mutator = env.get('PATH');
    assert.equal(mutator?.type, vscode.EnvironmentVariableMutatorType.Prepend);
    assert.ok(mutator?.value.startsWith(ctx.api.cliBinDir), mutator?.value);
    const { stdout } = await run(path.join(ctx.api.cliBinDir, 'agent-tracker'), ['status', '--json', '--home', ctx.daemon.home]);
    assert.ok(JSON.parse(stdout), 'the bundled CLI answered');
  });

  test('Run Demo starts the demo in a terminal against this window’s daemon', async () => {
    const terminal = await vscode.commands.executeCommand<vscode.Terminal>('agentTracker.runDemo');
    terminals.push(terminal);
    assert.equal(terminal.name, 'Agent Tracker Demo');
    await pollUntil('the demo’s agents', () => ctx.api.model.getAgent('demo-agent-1'), 30_000);
    await pollUntil('the demo’s tasks', () => [...ctx.api.model.tasks()].find((t) => t.tags.includes('demo')), 30_000);
    terminal.dispose();
  });

  test('offline is calm: no stale counts in the status bar or the badge; one line above the last known state', async () => {
    await pollUntil('counts while connected', () => (/active/.test(ctx.api.statusBarText()) ? true : undefined), 5_000);
    await ctx.daemon.stop();
    await pollUntil('offline', () => (ctx.api.model.connection.kind !== 'connected' ? true : undefined));
    await pollUntil('the status bar offline', () => (/offline/.test(ctx.api.statusBarText()) ? true : undefined), 5_000);
    assert.doesNotMatch(ctx.api.statusBarText(), /\d/, 'no counts');
    assert.equal(ctx.api.badge(), undefined, 'no badge');
    await ctx.daemon.launch();
    await waitInSync(ctx.api, ctx.daemon, 20_000);
    await pollUntil('counts again', () => (/\d+ active/.test(ctx.api.statusBarText()) ? true : undefined), 5_000);
  });
});
