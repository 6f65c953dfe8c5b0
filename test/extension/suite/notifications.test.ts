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
