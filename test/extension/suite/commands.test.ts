import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AgentTrackerApi } from '../../../extension/src/api.js';
import { useDaemon, waitInSync } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';
import { makeStuck, SEED, seedDaemon } from './support/seed.js';
import { TestDaemon } from './support/testDaemon.js';
import { find, readTree, type Row } from './support/treeSnapshot.js';

suite('Commands, observed in the daemon', function () {
  this.timeout(90_000);
  let daemon: TestDaemon;
  let api: AgentTrackerApi;

  suiteSetup(async () => {
    daemon = await TestDaemon.start();
    await seedDaemon(daemon);
    api = await useDaemon(daemon);
  });

  suiteTeardown(async () => {
    await daemon?.dispose();
  });

  /** The node VS Code would pass from the Tasks view's context menu. */
  async function taskNode(label: string): Promise<unknown> {
    const row = await pollUntil(`the row "${label}"`, async () => find(await readTree(api.providers.tasks), label) || undefined);
    return row.element;
  }

  test('Reset Stuck Task, from the tree node, with target and reason', async () => {
    const node = await taskNode('Flaky integration run');
    await vscode.commands.executeCommand('agentTracker.resetStuckTask', node, { to: 'pending', reason: 'lease ran out' });
    const task = await daemon.task(SEED.stuck);
    assert.equal(task.state, 'pending');
    assert.equal(task.stuck, null);
    const events = daemon.ok<{ items: { type: string; data: { reason?: string } }[] }>(await daemon.get(`/v1/tasks/${SEED.stuck}/events`), 'events');
    assert.equal(events.items.at(-1)?.type, 'task.reset');
    assert.equal(events.items.at(-1)?.data.reason, 'lease ran out');
    await waitInSync(api, daemon);
    assert.equal(api.taskTree.groupOf(SEED.stuck), 'pending');
  });

  test('Reset All Stuck Tasks', async () => {
    await makeStuck(daemon, 'stuck-a', 'Stuck A');
    await makeStuck(daemon, 'stuck-b', 'Stuck B');
    await vscode.commands.executeCommand('agentTracker.resetAllStuckTasks', { to: 'failed', reason: 'bulk reset', confirmed: true });
    assert.equal((await daemon.task('stuck-a')).state, 'failed');
    assert.equal((await daemon.task('stuck-b')).state, 'failed');
  });

  test('Retry Task puts a failed task back to pending', async () => {
    await vscode.commands.executeCommand('agentTracker.retryTask', SEED.failed);
    assert.equal((await daemon.task(SEED.failed)).state, 'pending');
  });

  test('Cancel Task, by id, with the confirmation already given', async () => {
    await vscode.commands.executeCommand('agentTracker.cancelTask', SEED.backlog, { confirmed: true });
    assert.equal((await daemon.task(SEED.backlog)).state, 'cancelled');
  });

  test('Reset Agent moves its open tasks', async () => {
    const result = (await vscode.commands.executeCommand('agentTracker.resetAgent', { agentId: SEED.agentIdle }, {
      to: 'pending',
      reason: 'agent crashed',
      confirmed: true,
    })) as { tasks: { id: string }[] } | undefined;
    assert.ok(result, 'the command returned the daemon result');
    assert.equal((await daemon.task(SEED.paused)).state, 'pending');
  });

  test('Show Task Details opens the task as JSON', async () => {
    await vscode.commands.executeCommand('agentTracker.showTaskDetails', SEED.active);
    const editor = await pollUntil('the details editor', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.scheme === 'agent-tracker-task' ? active : undefined;
    });
    assert.equal(editor.document.languageId, 'json');
    const shown = JSON.parse(editor.document.getText()) as { id: string; state: string };
    assert.equal(shown.id, SEED.active);
    assert.equal(shown.state, 'active');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Copy Task ID puts the id on the clipboard', async () => {
    await vscode.commands.executeCommand('agentTracker.copyTaskId', await taskNode('Build the parser'));
    assert.equal(await vscode.env.clipboard.readText(), SEED.active);
  });

  test('Filter Tasks narrows the view and says so; clearing restores it', async () => {
    await vscode.commands.executeCommand('agentTracker.filterTasks', { tag: 'parser' });
    assert.ok(api.filter.isActive);
    const rows = await readTree(api.providers.tasks);
    assert.deepEqual(rows.map((r) => r.label), ['Active']);
    assert.deepEqual((rows[0] as Row).children.map((r) => r.label), ['Build the parser']);
    await vscode.commands.executeCommand('agentTracker.clearFilter');
    assert.equal(api.filter.isActive, false);
    assert.ok((await readTree(api.providers.tasks)).length > 1);
  });

  test('Clean Up History removes finished tasks in the daemon', async () => {
    const before = daemon.ok<{ total: number }>(await daemon.get('/v1/history?limit=1&offset=0'), 'history');
    assert.ok(before.total > 0);
    const removed = await vscode.commands.executeCommand('agentTracker.cleanUpHistory', { olderThanDays: 0, confirmed: true });
    assert.equal(removed, before.total);
    const after = daemon.ok<{ total: number }>(await daemon.get('/v1/history?limit=1&offset=0'), 'history');
    assert.equal(after.total, 0);
    await pollUntil('an empty History view', async () => (await readTree(api.providers.history, undefined, 1)).length === 0 || undefined);
  });

  test('Refresh and Show Daemon Log run without error', async () => {
    await vscode.commands.executeCommand('agentTracker.refresh');
    await waitInSync(api, daemon);
    await vscode.commands.executeCommand('agentTracker.showDaemonLog');
  });

  test('Stop Daemon stops it; Start Daemon starts the bundled one on the same home', async () => {
    const oldPid = daemon.pid;
    await vscode.commands.executeCommand('agentTracker.stopDaemon', { confirmed: true });
    await pollUntil('the daemon to exit', () => !alive(oldPid) || undefined);
    await pollUntil('the extension to notice', () => api.model.connection.kind === 'disconnected' || undefined);
    const pid = (await vscode.commands.executeCommand('agentTracker.startDaemon')) as number;
    try {
      assert.ok(pid > 0 && pid !== oldPid);
      const info = JSON.parse(readFileSync(path.join(daemon.home, 'daemon.json'), 'utf8')) as { pid: number; url: string };
      assert.equal(info.pid, pid);
      await pollUntil('the extension to reconnect', () => api.model.connection.kind === 'connected' || undefined);
      // The registry survived: the tasks are all still there.
      assert.equal(api.model.getTask(SEED.active)?.state, 'active');
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGTERM');
      await pollUntil('the started daemon to stop', () => !alive(pid) || undefined);
    }
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
