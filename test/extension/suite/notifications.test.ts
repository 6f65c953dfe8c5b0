import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ShownNotification } from '../../../extension/src/views/notifier.js';
import { useDaemonUnderTest, waitInSync } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';
import { makeStuck, SEED } from './support/seed.js';

suite('Notifications', function () {
  this.timeout(60_000);
  const shown: ShownNotification[] = [];
  let subscription: vscode.Disposable | undefined;
  const setLevel = (level: string | undefined): Thenable<void> =>
    vscode.workspace.getConfiguration('agentTracker').update('notifications', level, vscode.ConfigurationTarget.Global);

  // Registered before the fixture, so it runs before the daemon is disposed.
  suiteTeardown(async () => {
    subscription?.dispose();
    await setLevel('none');
  });

  const ctx = useDaemonUnderTest(async (daemon) => {
    await daemon.heartbeat(SEED.agentBusy);
  });

  suiteSetup(() => {
    subscription = ctx.api.onDidShowNotification((n) => shown.push(n));
  });

  test('"failures": a failed task notifies, a stuck one does not', async () => {
    await setLevel('failures');
    await makeStuck(ctx.daemon, 'n-stuck', 'Stuck quietly');
    await waitInSync(ctx.api, ctx.daemon);
    await ctx.daemon.createTask({ id: 'n-failed', title: 'Loud failure', state: 'active', agentId: SEED.agentBusy });
    await ctx.daemon.transition('n-failed', 'failed', { error: 'disk full' });
    const failed = await pollUntil('the failure notification', () => shown.find((n) => n.taskIds.includes('n-failed')) || undefined);
    assert.equal(failed.kind, 'failed');
    assert.match(failed.message, /Loud failure.*disk full/);
    assert.equal(shown.filter((n) => n.taskIds.includes('n-stuck')).length, 0);
  });

  test('"all": a newly stuck task notifies too', async () => {
    await setLevel('all');
    await makeStuck(ctx.daemon, 'n-stuck-2', 'Stuck loudly');
    const stuck = await pollUntil('the stuck notification', () => shown.find((n) => n.taskIds.includes('n-stuck-2')) || undefined);
    assert.equal(stuck.kind, 'stuck');
  });
});

suite('Notifications: one per task, withdrawn on recovery, none for the user’s own actions', function () {
  this.timeout(60_000);
  const shown: ShownNotification[] = [];
  let subscription: vscode.Disposable | undefined;

  suiteTeardown(async () => {
    subscription?.dispose();
    await vscode.workspace.getConfiguration('agentTracker').update('notifications', 'none', vscode.ConfigurationTarget.Global);
  });

  const ctx = useDaemonUnderTest(async (daemon) => {
    await daemon.heartbeat(SEED.agentBusy);
  });

  suiteSetup(async () => {
    await vscode.workspace.getConfiguration('agentTracker').update('notifications', 'all', vscode.ConfigurationTarget.Global);
    subscription = ctx.api.onDidShowNotification((n) => shown.push(n));
  });

  test('a failure notifies once; a retry from this window is not notified and withdraws it', async () => {
    await ctx.daemon.createTask({ id: 'o-failed', title: 'Fails then retried', state: 'active', agentId: SEED.agentBusy });
    await ctx.daemon.transition('o-failed', 'failed', { error: 'flaky' });
    await pollUntil('the failure notification', () => shown.find((n) => n.taskIds.includes('o-failed')) || undefined);
    assert.deepEqual(ctx.api.notifier.openTaskIds, ['o-failed']);
    const withdrawn = new Promise<string>((resolve) => ctx.api.notifier.onDidWithdraw(resolve));
    await vscode.commands.executeCommand('agentTracker.retryTask', 'o-failed');
    assert.equal(await withdrawn, 'o-failed');
    assert.deepEqual(ctx.api.notifier.openTaskIds, []);
    // The retried task fails again under the user's own reset: still the user's doing, no toast.
    await vscode.commands.executeCommand('agentTracker.cancelTask', 'o-failed', { confirmed: true });
    await waitInSync(ctx.api, ctx.daemon);
    assert.equal(shown.filter((n) => n.taskIds.includes('o-failed')).length, 1);
  });

  test('a stuck task notifies once however often it is flagged', async () => {
    await makeStuck(ctx.daemon, 'o-stuck', 'Stuck once');
    await pollUntil('the stuck notification', () => shown.find((n) => n.taskIds.includes('o-stuck')) || undefined);
    await waitInSync(ctx.api, ctx.daemon);
    assert.equal(shown.filter((n) => n.taskIds.includes('o-stuck')).length, 1);
    assert.equal(shown.find((n) => n.taskIds.includes('o-stuck'))?.message, 'Task "Stuck once" is stuck: lease expired');
  });
});
