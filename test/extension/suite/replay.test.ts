import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { useDaemonUnderTest } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';

suite('Replay panel', function () {
  this.timeout(60_000);

  // Registered before the fixture, so it runs before the daemon is disposed.
  suiteTeardown(async () => {
    ctx.api?.replayPanel()?.dispose();
  });

  const ctx = useDaemonUnderTest(async (daemon) => {
    await daemon.heartbeat('agent-p');
    await daemon.createTask({ id: 'replayed', title: 'Replayed task', state: 'active', agentId: 'agent-p' });
    await daemon.ok(await daemon.post('/v1/events', [{ op: 'progress', taskId: 'replayed', progress: 50, step: 'half way' }]), 'progress');
    await daemon.transition('replayed', 'done');
    await daemon.heartbeat('agent-q', 'Replay agent');
    await daemon.createTask({ id: 'claimed', title: 'Claimed task' });
    daemon.ok(await daemon.post('/v1/tasks/claimed/claim', { agentId: 'agent-q', leaseMs: 60_000 }), 'claim');
    await daemon.transition('claimed', 'active', { agentId: 'agent-q' });
    await daemon.ok(await daemon.post('/v1/events', [{ op: 'progress', taskId: 'claimed', progress: 40, step: 'reading' }]), 'progress');
    await daemon.transition('claimed', 'done');
  });

  test('opens on a task, shows the verdict, and steps through its events', async () => {
    await vscode.commands.executeCommand('agentTracker.replayTaskEvents', 'replayed');
    const panel = await pollUntil('the replay panel', () => ctx.api.replayPanel() || undefined);
    assert.equal(panel.currentTaskId, 'replayed');
    assert.equal(panel.stepCount, 3);
    assert.equal(panel.consistent, true);

    // The webview itself answers every move; each answer proves its script ran and handled the message.
    const selections: number[] = [];
    const subscription = panel.onDidSelect((index) => selections.push(index));
    try {
      await pollUntil('the webview to select the first event', async () => {
        await panel.select(0);
        return selections.includes(0) || undefined;
      }, 20_000, 250);
      await panel.step(1);
      await pollUntil('a step forward', () => panel.selectedIndex === 1 || undefined);
      await panel.step(5);
      await pollUntil('the step to stop at the last event', () => panel.selectedIndex === 2 || undefined);
      await panel.step(-1);
      await pollUntil('a step back', () => panel.selectedIndex === 1 || undefined);
    } finally {
      subscription.dispose();
    }
  });

  test('says what each event changed in plain words, the raw JSON kept behind a click', async () => {
    const panel = await pollUntil('the replay panel', () => ctx.api.replayPanel() || undefined);
    await vscode.commands.executeCommand('agentTracker.replayTaskEvents', 'claimed');
    await pollUntil('the claimed task’s events', () => (panel.currentTaskId === 'claimed' && panel.stepCount === 5) || undefined);
    const [created, claim, started, progress, done] = panel.changes;
    assert.deepEqual(created, ['created "Claimed task" as pending']);
    assert.match(claim?.[0] ?? '', /^claimed by Replay agent, lease until /);
    assert.ok(claim?.includes('status pending → assigned'), claim?.join(' | '));
    assert.deepEqual(started, ['status assigned → active', 'attempt 1']);
    assert.deepEqual(progress, ['progress 0% → 40%', 'step "reading"']);
    assert.ok(done?.includes('status active → done'), done?.join(' | '));
    for (const line of panel.changes.flat()) assert.doesNotMatch(line, /leaseToken|_/, line);
  });

  test('follows new events of the task while open', async () => {
    const panel = await pollUntil('the replay panel', () => ctx.api.replayPanel() || undefined);
    await ctx.daemon.createTask({ id: 'replayed-2', title: 'Second replay', state: 'active', agentId: 'agent-p' });
    await vscode.commands.executeCommand('agentTracker.replayTaskEvents', 'replayed-2');
    await pollUntil('the panel on the second task', () => (panel.currentTaskId === 'replayed-2' && panel.stepCount === 1) || undefined);
    await ctx.daemon.ok(await ctx.daemon.post('/v1/events', [{ op: 'progress', taskId: 'replayed-2', progress: 10 }]), 'progress');
    await pollUntil('the new event in the timeline', () => panel.stepCount === 2 || undefined);
    await pollUntil('the selection to follow the last event', () => panel.selectedIndex === 1 || undefined);
  });
});
