/**
 * Stuck work: a lease that runs out, an agent that stops reporting, a task past its expiresAt. Time is moved by the
 * test clock; the daemon's own sweeper (every 250 ms) must notice within the contract's second.
 */
import { strict as assert } from 'node:assert';
import type { Agent, Task } from '../../../daemon/src/protocol/index.js';
import { expectError } from '../support/http.js';
import { holdsFor, pollUntil } from '../../support/poll.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';
import { TestClock } from '../support/testClock.js';

describe('core: stuck detection and resets', function () {
  let d: TestDaemon;
  let clock: TestClock;
  const stuckIds = async () =>
    (await d.http.ok(d.http.get<{ items: Task[] }>('/v1/tasks?stuck=true'))).items.map((t) => `${t.id}:${t.stuck?.reason}`).sort();

  beforeEach(async () => {
    clock = new TestClock();
    d = await startTestDaemon({ clock, settings: { agentTimeoutMs: 30_000 } });
  });
  afterEach(async () => {
    await d?.close();
  });

  it('flags an expired lease within a second, lists it, and a reset fences the old holder', async () => {
    await d.http.ok(d.http.post('/v1/tasks', { id: 'leased', title: 'Leased' }));
    const { leaseToken } = await d.http.ok(d.http.post<{ leaseToken: string }>('/v1/tasks/leased/claim', { agentId: 'w', leaseMs: 2000 }));
    assert.deepEqual(await stuckIds(), []);
    clock.advance(2001);
    const advancedAt = Date.now();
    await pollUntil('the lease to be flagged', async () => ((await stuckIds()).length ? true : undefined), 5000);
    // The contract's second, plus slack for a busy machine's scheduling.
    assert.ok(Date.now() - advancedAt <= 2000, `flagged after ${Date.now() - advancedAt} ms`);
    assert.deepEqual(await stuckIds(), ['leased:lease_expired']);
    const active = await d.http.ok(d.http.get<{ items: Task[] }>('/v1/active'));
    assert.deepEqual(active.items.map((t) => t.id), ['leased']);

    const reset = await d.http.ok(d.http.post<{ tasks: Task[] }>('/v1/stuck/reset', { to: 'pending', reason: 'worker hung' }));
    assert.deepEqual(reset.tasks.map((t) => [t.id, t.state, t.stuck, t.lease, t.agentId]), [['leased', 'pending', null, null, null]]);
    const error = expectError(await d.http.post('/v1/tasks/leased/heartbeat', { agentId: 'w', leaseToken }), 409, 'not_lease_holder');
    assert.deepEqual(error.details, { state: 'pending' });
    const events = await d.http.ok(d.http.get<{ items: { type: string; actor: string; data: Record<string, unknown> }[] }>('/v1/tasks/leased/events'));
    const resetEvent = events.items.find((e) => e.type === 'task.reset');
    assert.deepEqual(resetEvent && [resetEvent.actor, resetEvent.data], ['user', { from: 'assigned', to: 'pending', reason: 'worker hung' }]);
  });

  it('a heartbeat before expiry keeps the task healthy', async () => {
    await d.http.ok(d.http.post('/v1/tasks', { id: 'alive', title: 'Alive' }));
    // Past the first lease's end, 5 s (of real time) before the renewed one's: room for a slow machine.
    const { leaseToken } = await d.http.ok(d.http.post<{ leaseToken: string }>('/v1/tasks/alive/claim', { agentId: 'w', leaseMs: 20_000 }));
    clock.advance(15_000);
    await d.http.ok(d.http.post('/v1/tasks/alive/heartbeat', { agentId: 'w', leaseToken }));
    clock.advance(15_000);
    const seq = d.daemon.tracker.store.seq;
    await holdsFor('the renewed lease', async () => (await stuckIds()).length === 0, 750);
    assert.equal(d.daemon.tracker.store.seq, seq, 'heartbeats renew without writing events');
  });

  it('marks a silent agent offline and its work stuck; the agent reset frees it', async () => {
    await d.http.ok(d.http.post('/v1/agents/quiet/heartbeat', { name: 'Quiet' }));
    await d.http.ok(d.http.post('/v1/tasks', { id: 'q1', title: 'Q1', state: 'active', agentId: 'quiet' }));
    await d.http.ok(d.http.post('/v1/tasks', { id: 'q2', title: 'Q2', state: 'active', agentId: 'quiet' }));
    clock.advance(30_001);
    await pollUntil('the agent to go offline', async () => ((await stuckIds()).length === 2 ? true : undefined), 5000);
    assert.deepEqual(await stuckIds(), ['q1:agent_offline', 'q2:agent_offline']);
    const agents = await d.http.ok(d.http.get<{ items: Agent[] }>('/v1/agents'));
    assert.equal(agents.items.find((a) => a.id === 'quiet')?.status, 'offline');

    const reset = await d.http.ok(d.http.post<{ agent: Agent; tasks: Task[] }>('/v1/agents/quiet/reset', { to: 'failed', reason: 'agent died' }));
    assert.deepEqual(reset.tasks.map((t) => [t.id, t.state, t.stuck, t.lastError?.message]), [
      ['q1', 'failed', null, 'Reset by operator: agent died'],
      ['q2', 'failed', null, 'Reset by operator: agent died'],
    ]);
    assert.deepEqual(await stuckIds(), []);
    const back = await d.http.ok(d.http.post<Agent>('/v1/agents/quiet/heartbeat', {}));
    assert.notEqual(back.status, 'offline', 'a heartbeat brings the agent back');
  });

  it('an offline agent that heartbeats its task is online again, and the task no longer stuck', async () => {
    await d.http.ok(d.http.post('/v1/tasks', { id: 'napping', title: 'Agent sleeps' }));
    const { leaseToken } = await d.http.ok(d.http.post<{ leaseToken: string }>('/v1/tasks/napping/claim', { agentId: 'sleepy', leaseMs: 120_000 }));
    clock.advance(30_001);
    await pollUntil('the agent to go offline', async () => ((await stuckIds()).length ? true : undefined), 5000);
    assert.deepEqual(await stuckIds(), ['napping:agent_offline']);
    await d.http.ok(d.http.post('/v1/tasks/napping/heartbeat', { agentId: 'sleepy', leaseToken }));
    await pollUntil('the task to be unstuck', async () => ((await stuckIds()).length === 0 ? true : undefined), 5000);
    const agents = await d.http.ok(d.http.get<{ items: Agent[] }>('/v1/agents'));
    assert.equal(agents.items.find((a) => a.id === 'sleepy')?.status, 'busy');
  });

  it('flags active work past its expiresAt', async () => {
    const expiresAt = new Date(clock.now() + 5000).toISOString();
    await d.http.ok(d.http.post('/v1/tasks', { id: 'timed', title: 'Timed', state: 'active', agentId: 'w', expiresAt }));
    await d.http.ok(d.http.post('/v1/agents/w/heartbeat', {}));
    clock.advance(5001);
    await pollUntil('the expiry to be flagged', async () => ((await stuckIds()).length ? true : undefined), 5000);
    assert.deepEqual(await stuckIds(), ['timed:expired']);
    const reset = await d.http.ok(d.http.post<Task>('/v1/tasks/timed/reset', { to: 'cancelled', reason: 'too slow' }));
    assert.deepEqual([reset.state, reset.stuck], ['cancelled', null]);
  });
});
