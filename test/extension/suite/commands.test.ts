import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { useDaemonUnderTest, waitInSync } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';
import { makeStuck, SEED, seedDaemon } from './support/seed.js';
import { alive, stopStartedDaemon } from './support/testDaemon.js';
import { find, readTree, type Row } from './support/treeSnapshot.js';

suite('Commands, observed in the daemon', function () {
  this.timeout(90_000);

  const ctx = useDaemonUnderTest(seedDaemon);

  /** The node VS Code would pass from the Tasks view's context menu. */
  async function taskNode(label: string): Promise<unknown> {
    const row = await pollUntil(`the row "${label}"`, async () => find(await readTree(ctx.api.providers.tasks), label) || undefined);
    return row.element;
  }

  test('Reset Stuck Task, from the tree node, with target and reason', async () => {
    const node = await taskNode('Flaky integration run');
    await vscode.commands.executeCommand('agentTracker.resetStuckTask', node, { to: 'pending', reason: 'lease ran out' });
    const task = await ctx.daemon.task(SEED.stuck);
    assert.equal(task.state, 'pending');
    assert.equal(task.stuck, null);
    const events = ctx.daemon.ok<{ items: { type: string; data: { reason?: string } }[] }>(await ctx.daemon.get(`/v1/tasks/${SEED.stuck}/events`), 'events');
    assert.equal(events.items.at(-1)?.type, 'task.reset');
    assert.equal(events.items.at(-1)?.data.reason, 'lease ran out');
    await waitInSync(ctx.api, ctx.daemon);
    assert.equal(ctx.api.taskTree.groupOf(SEED.stuck), 'pending');
  });

  test('Reset All Stuck Tasks', async () => {
    await makeStuck(ctx.daemon, 'stuck-a', 'Stuck A');
    await makeStuck(ctx.daemon, 'stuck-b', 'Stuck B');
    await vscode.commands.executeCommand('agentTracker.resetAllStuckTasks', { to: 'failed', reason: 'bulk reset', confirmed: true });
    assert.equal((await ctx.daemon.task('stuck-a')).state, 'failed');
    assert.equal((await ctx.daemon.task('stuck-b')).state, 'failed');
  });

  test('Retry Task puts a failed task back to pending', async () => {
    await vscode.commands.executeCommand('agentTracker.retryTask', SEED.failed);
    assert.equal((await ctx.daemon.task(SEED.failed)).state, 'pending');
  });

  test('Cancel Task, by id, with the confirmation already given', async () => {
    await vscode.commands.executeCommand('agentTracker.cancelTask', SEED.backlog, { confirmed: true });
    assert.equal((await ctx.daemon.task(SEED.backlog)).state, 'cancelled');
  });

  test("Connect Agents installs the hooks into the chosen agent's own settings and reports it connected", async () => {
    // The agents' settings live under the user's home: point it at a scratch folder for the CLI the command runs.
    const userHome = mkdtempSync(path.join(tmpdir(), 'agent-tracker-user-'));
    mkdirSync(path.join(userHome, '.claude'));
    const savedHome = process.env['HOME'];
    process.env['HOME'] = userHome;
    try {
      const after = await vscode.commands.executeCommand<{ agent: string; foundAt: string | null; installed: boolean }[]>('agentTracker.connectAgents', {
        agents: ['claude-code'],
      });
      const claude = after.find((s) => s.agent === 'claude-code');
      assert.equal(claude?.installed, true);
      assert.ok(claude.foundAt, 'found by its settings folder');
      assert.deepEqual(after.filter((s) => s.installed).map((s) => s.agent), ['claude-code'], 'no other agent touched');
      const settings = JSON.parse(readFileSync(path.join(userHome, '.claude', 'settings.json'), 'utf8')) as { hooks?: Record<string, unknown> };
      assert.ok(settings.hooks?.['SessionStart'] && settings.hooks['PreToolUse'], 'session and tool hooks are there');
      assert.ok(JSON.stringify(settings.hooks).includes(path.join(ctx.daemon.home, 'bin')), 'they run the forwarder kept in the tracker home');
    } finally {
      if (savedHome === undefined) delete process.env['HOME'];
      else process.env['HOME'] = savedHome;
      rmSync(userHome, { recursive: true, force: true });
    }
  });

  test('Reset Agent moves its open tasks', async () => {
    const result = await vscode.commands.executeCommand<{ tasks: { id: string }[] } | undefined>('agentTracker.resetAgent', { agentId: SEED.agentIdle }, {
      to: 'pending',
      reason: 'agent crashed',
      confirmed: true,
    });
    assert.ok(result, 'the command returned the daemon result');
    assert.equal((await ctx.daemon.task(SEED.paused)).state, 'pending');
  });

  test('Show Task Details opens the task page, titled with the task, once per task', async () => {
    const page = await vscode.commands.executeCommand('agentTracker.showTaskDetails', SEED.active);
    assert.ok(page, 'the command returned the page');
    const shown = await pollUntil('the task page', () => ctx.api.taskPage(SEED.active));
    assert.equal(shown.panel.title, 'Build the parser');
    assert.equal(await vscode.commands.executeCommand('agentTracker.showTaskDetails', SEED.active), shown, 'opening it again reveals the same page');
    await pollUntil('an editor tab titled with the task', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Build the parser' && t.input instanceof vscode.TabInputWebview),
    );
    shown.panel.dispose();
    assert.equal(ctx.api.taskPage(SEED.active), undefined);
  });

  test('Copy Task ID puts the id on the clipboard', async () => {
    await vscode.commands.executeCommand('agentTracker.copyTaskId', await taskNode('Build the parser'));
    assert.equal(await vscode.env.clipboard.readText(), SEED.active);
  });

  test('Filter Tasks narrows the view and says so; clearing restores it', async () => {
    await vscode.commands.executeCommand('agentTracker.filterTasks', { tag: 'parser' });
    assert.ok(ctx.api.filter.isActive);
    const rows = await readTree(ctx.api.providers.tasks);
    assert.deepEqual(rows.map((r) => r.label), ['Active']);
    assert.deepEqual((rows[0] as Row).children.map((r) => r.label), ['Build the parser']);
    await vscode.commands.executeCommand('agentTracker.clearFilter');
    assert.equal(ctx.api.filter.isActive, false);
    assert.ok((await readTree(ctx.api.providers.tasks)).length > 1);
  });

  test('Clean Up History removes finished tasks in the daemon', async () => {
    const before = ctx.daemon.ok<{ total: number }>(await ctx.daemon.get('/v1/history?limit=1&offset=0'), 'history');
    assert.ok(before.total > 0);
    const removed = await vscode.commands.executeCommand('agentTracker.cleanUpHistory', { olderThanDays: 0, confirmed: true });
    assert.equal(removed, before.total);
    const after = ctx.daemon.ok<{ total: number }>(await ctx.daemon.get('/v1/history?limit=1&offset=0'), 'history');
    assert.equal(after.total, 0);
    await pollUntil('an empty History view', async () => (await readTree(ctx.api.providers.history, undefined, 1)).length === 0 || undefined);
  });

  test('Refresh and Show Daemon Log run without error', async () => {
    await vscode.commands.executeCommand('agentTracker.refresh');
    await waitInSync(ctx.api, ctx.daemon);
    await vscode.commands.executeCommand('agentTracker.showDaemonLog');
  });

  test('Stop Daemon stops it; Start Daemon starts the bundled one on the same home', async () => {
    const oldPid = ctx.daemon.pid;
    await vscode.commands.executeCommand('agentTracker.stopDaemon', { confirmed: true });
    await pollUntil('the daemon to exit', () => !alive(oldPid) || undefined);
    await pollUntil('the extension to notice', () => ctx.api.model.connection.kind === 'disconnected' || undefined);
    const pid = await vscode.commands.executeCommand<number>('agentTracker.startDaemon');
    try {
      assert.ok(pid > 0 && pid !== oldPid);
      const info = JSON.parse(readFileSync(path.join(ctx.daemon.home, 'daemon.json'), 'utf8')) as { pid: number; url: string };
      assert.equal(info.pid, pid);
      await pollUntil('the extension to reconnect', () => ctx.api.model.connection.kind === 'connected' || undefined);
      // The registry survived: the tasks are all still there.
      assert.equal(ctx.api.model.getTask(SEED.active)?.state, 'active');
    } finally {
      await stopStartedDaemon(pid);
    }
  });
});
