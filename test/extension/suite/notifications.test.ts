import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AgentTrackerApi } from '../../../extension/src/api.js';
import type { ShownNotification } from '../../../extension/src/views/notifier.js';
import { useDaemon, waitInSync } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';
import { makeStuck, SEED } from './support/seed.js';
import { TestDaemon } from './support/testDaemon.js';

suite('Notifications', function () {
  this.timeout(60_000);
  let daemon: TestDaemon;
  let api: AgentTrackerApi;
  const shown: ShownNotification[] = [];
  let subscription: vscode.Disposable | undefined;
  const setLevel = (level: string | undefined): Thenable<void> =>
    vscode.workspace.getConfiguration('agentTracker').update('notifications', level, vscode.ConfigurationTarget.Global);

  suiteSetup(async () => {
    daemon = await TestDaemon.start();
    await daemon.heartbeat(SEED.agentBusy);
    api = await useDaemon(daemon);
    subscription = api.onDidShowNotification((n) => shown.push(n));
  });

  suiteTeardown(async () => {
    subscription?.dispose();
    await setLevel('none');
    await daemon?.dispose();
  });

  test('"failures": a failed task notifies, a stuck one does not', async () => {
    await setLevel('failures');
    await makeStuck(daemon, 'n-stuck', 'Stuck quietly');
    await waitInSync(api, daemon);
    await daemon.createTask({ id: 'n-failed', title: 'Loud failure', state: 'active', agentId: SEED.agentBusy });
    await daemon.transition('n-failed', 'failed', { error: 'disk full' });
    const failed = await pollUntil('the failure notification', () => shown.find((n) => n.taskIds.includes('n-failed')) || undefined);
    assert.equal(failed.kind, 'failed');
    assert.match(failed.message, /Loud failure.*disk full/);
    assert.equal(shown.filter((n) => n.taskIds.includes('n-stuck')).length, 0);
  });

  test('"all": a newly stuck task notifies too', async () => {
    await setLevel('all');
    await makeStuck(daemon, 'n-stuck-2', 'Stuck loudly');
    const stuck = await pollUntil('the stuck notification', () => shown.find((n) => n.taskIds.includes('n-stuck-2')) || undefined);
    assert.equal(stuck.kind, 'stuck');
  });
});
