import assert from 'node:assert/strict';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';
import { pollUntil } from '../../support/poll.js';

describe('client: TaskHandle', () => {
  const daemon = useDaemonProcess(['--agent-timeout-ms', '1500']);

  it('tracks work: progress, logs, done, and keeps the agent online meanwhile', async () => {
    const started = Date.now();
    const result = await daemon.client.track(
      { title: 'handle: tracked', agentId: 'handle-agent' },
      async (task) => {
        await task.progress(30, 'warming up');
        await task.log('first line');
        // Outlive the agent timeout: the heartbeats must keep the task from being flagged.
        await pollUntil('the agent timeout to pass', () => Date.now() - started > 2500 || undefined, 5000);
        const current = await daemon.client.getTask(task.id);
        assert.equal(current.stuck, null, 'heartbeats keep the agent online');
        return { answer: 42 };
      },
      { heartbeatMs: 300 },
    );
    assert.deepEqual(result, { answer: 42 });
    const tasks = await daemon.client.listTasks({ agentId: 'handle-agent' });
    const task = tasks.items[0];
    assert.ok(task);
    assert.equal(task.state, 'done');
    assert.deepEqual(task.result, { answer: 42 });
    const types = (await daemon.client.taskEvents(task.id)).items.map((e) => e.type);
    assert.ok(types.includes('task.progress') && types.includes('task.log'), types.join());
  });

  it('fails the task when the work throws', async () => {
    await assert.rejects(
      daemon.client.track({ title: 'handle: throws', agentId: 'handle-agent-2' }, async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    const task = (await daemon.client.listTasks({ agentId: 'handle-agent-2' })).items[0];
    assert.equal(task?.state, 'failed');
    assert.equal(task?.lastError?.message, 'boom');
  });

  it('renews a claimed lease and aborts its signal when an operator resets the task', async () => {
    await daemon.client.heartbeatAgent('lease-agent', { capabilities: ['lease-kind'] });
    await daemon.client.createTask({ title: 'handle: leased', type: 'lease-kind' });
    const lost: string[] = [];
    const handle = await daemon.client.claimNext('lease-agent', { leaseMs: 1000, heartbeatMs: 200, onLost: (r) => lost.push(r) });
    assert.ok(handle);
    try {
      assert.equal(handle.task.state, 'active', 'claimNext starts the task it claimed');
      assert.equal(handle.task.lease?.agentId, 'lease-agent', 'the lease carries over from assigned to active');
      const first = handle.task.lease?.expiresAt;
      await pollUntil('a renewed lease', async () => {
        const lease = (await daemon.client.getTask(handle.id)).lease;
        return (lease && lease.expiresAt !== first) || undefined;
      });
      // Past the original lease: still not stuck, because the heartbeats renewed it.
      await pollUntil('the original lease to run out', () => Date.now() > Date.parse(first ?? '') + 500 || undefined, 3000);
      assert.equal((await daemon.client.getTask(handle.id)).stuck, null);
      await daemon.client.resetTask(handle.id, { to: 'pending', reason: 'operator takes it back' });
      await pollUntil('the handle to notice the reset', () => handle.signal.aborted || undefined);
      assert.equal(lost.length, 1);
    } finally {
      handle.stop();
    }
  });
});
