/**
 * The engine's approval rules on the in-memory store with a clock the test moves: a pending approval no hook waits on
 * any more (the daemon restarted while it waited) is expired by the sweeper once its deadline and grace are past, and
 * never before; a decision on the waiting task resumes it; the replay law holds over the approval's events.
 */
import { strict as assert } from 'node:assert';
import { APPROVAL_EXPIRY_GRACE_MS } from '../../../daemon/src/engine/approvals.js';
import { Tracker } from '../../../daemon/src/engine/tracker.js';
import { foldTask, type TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { MemoryStore } from '../../../daemon/src/store/memory/memoryStore.js';
import { TestClock } from '../support/testClock.js';

describe('approvals: the engine’s rules', () => {
  let clock: TestClock;
  let store: MemoryStore;
  let tracker: Tracker;
  const events: TrackerEvent[] = [];

  beforeEach(() => {
    clock = new TestClock({ frozen: true });
    store = new MemoryStore(clock);
    tracker = new Tracker(store, clock, { defaultLeaseMs: 60_000, agentTimeoutMs: 60 * 60_000 });
    events.length = 0;
    store.onDurable((batch) => events.push(...batch));
    tracker.createTask('turn', { title: 'turn', state: 'active', agentId: 'claude-code:s' }, { actor: 'agent:claude-code:s' });
  });

  const request = () =>
    tracker.requestApproval(
      { kind: 'permission', agentId: 'claude-code:s', taskId: 'turn', tool: 'Bash', summary: 'Bash(ls)', input: { command: 'ls' }, waitMs: 10_000 },
      { actor: 'agent:claude-code:s' },
    ).body;

  it('the sweeper expires an approval nobody waits on once its deadline and grace are past, and not before', async () => {
    const approval = request();
    clock.advance(10_000 + APPROVAL_EXPIRY_GRACE_MS - 1);
    tracker.sweep();
    assert.equal(tracker.state.approvals.get(approval.id)?.state, 'pending');
    clock.advance(1);
    tracker.sweep();
    await store.flush();
    assert.equal(tracker.state.approvals.get(approval.id)?.state, 'expired');
    const task = tracker.present('turn');
    assert.equal(task.state, 'paused', 'the agent asks in its own terminal: the task still waits');
    assert.deepEqual(task.needsInput, { since: approval.requestedAt, kind: 'permission', message: 'Bash(ls)' });
    const expiry = events.find((e) => e.type === 'approval.expired');
    assert.equal(expiry?.actor, 'daemon');
    // The replay law: the task's events, approval events among them, fold into the stored task.
    assert.deepEqual(foldTask(events.filter((e) => e.taskId === 'turn')), tracker.state.tasks.get('turn'));
  });

  it('a decision resumes the task paused on it; a task that moved on meanwhile is left as it is', async () => {
    const first = request();
    tracker.decideApproval(first.id, { decision: 'allow', via: 'api' }, { actor: 'user' });
    assert.equal(tracker.present('turn').state, 'active');
    const second = request();
    // The agent went on by itself (its terminal, a later tool call): the task is no longer paused on the approval.
    tracker.transition('turn', { to: 'active', agentId: 'claude-code:s' }, { actor: 'agent:claude-code:s' });
    const versionBefore = tracker.present('turn').version;
    tracker.decideApproval(second.id, { decision: 'deny', via: 'cli', reason: 'no' }, { actor: 'user' });
    await store.flush();
    assert.equal(tracker.present('turn').version, versionBefore);
    assert.equal(tracker.state.approvals.get(second.id)?.state, 'denied');
  });

  it('the decision window closes at the deadline even before the expiry is recorded', () => {
    const approval = request();
    clock.advance(10_000);
    assert.throws(() => tracker.decideApproval(approval.id, { decision: 'allow', via: 'api' }, { actor: 'user' }), (error: Error & { code?: string }) => error.code === 'conflict');
    assert.equal(tracker.state.approvals.get(approval.id)?.state, 'pending');
  });
});
