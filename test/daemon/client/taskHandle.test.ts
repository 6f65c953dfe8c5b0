import assert from 'node:assert/strict';
import { TrackerClient } from '../../../daemon/src/client/index.js';
import { startTestDaemon, type TestDaemon } from './support/daemonProcess.js';
import { waitFor } from './support/waitFor.js';

describe('client: TaskHandle', () => {
  let daemon: TestDaemon;
  let client: TrackerClient;

  before(async () => {
    daemon = await startTestDaemon(['--agent-timeout-ms', '1500']);
    client = await TrackerClient.connect({ home: daemon.home });
  });

  after(async () => {
    await daemon?.stop();
  });

  it('tracks work: progress, logs, done, and keeps the agent online meanwhile', async () => {
    const started = Date.now();
    const result = await client.track(
      { title: 'handle: tracked', agentId: 'handle-agent' },
      async (task) => {
        await task.progress(30, 'warming up');
        await task.log('first line');
        // Outlive the agent timeout: the heartbeats must keep the task from being flagged.
        await waitFor(() => Date.now() - started > 2500, { timeoutMs: 5000 });
        const current = await client.getTask(task.id);
        assert.equal(current.stuck, null, 'heartbeats keep the agent online');
        return { answer: 42 };
      },
      { heartbeatMs: 300 },
    );
    assert.deepEqual(result, { answer: 42 });
    const tasks = await client.listTasks({ agentId: 'handle-agent' });
    const task = tasks.items[0];
    assert.ok(task);
    assert.equal(task.state, 'done');
    assert.deepEqual(task.result, { answer: 42 });
    const types = (await client.taskEvents(task.id)).items.map((e) => e.type);
    assert.ok(types.includes('task.progress') && types.includes('task.log'), types.join());
  });

  it('fails the task when the work throws', async () => {
    await assert.rejects(
      client.track({ title: 'handle: throws', agentId: 'handle-agent-2' }, async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    const task = (await client.listTasks({ agentId: 'handle-agent-2' })).items[0];
    assert.equal(task?.state, 'failed');
    assert.equal(task?.lastError?.message, 'boom');
  });

  it('renews a claimed lease and aborts its signal when an operator resets the task', async () => {
    await client.heartbeatAgent('lease-agent', { capabilities: ['lease-kind'] });
    await client.createTask({ title: 'handle: leased', type: 'lease-kind' });
    const lost: string[] = [];
    const handle = await client.claimNext('lease-agent', { leaseMs: 1000, heartbeatMs: 200, onLost: (r) => lost.push(r) });
    assert.ok(handle);
    try {
      const first = handle.task.lease?.expiresAt;
      await waitFor(async () => {
        const lease = (await client.getTask(handle.id)).lease;
        return lease && lease.expiresAt !== first;
      }, { what: 'a renewed lease' });
      // Past the original lease: still not stuck, because the heartbeats renewed it.
      await waitFor(() => Date.now() > Date.parse(first ?? '') + 500, { timeoutMs: 3000 });
      assert.equal((await client.getTask(handle.id)).stuck, null);
      await client.resetTask(handle.id, { to: 'pending', reason: 'operator takes it back' });
      await waitFor(() => handle.signal.aborted, { what: 'the handle to notice the reset' });
      assert.equal(lost.length, 1);
    } finally {
      handle.stop();
    }
  });
});
