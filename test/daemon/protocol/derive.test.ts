import * as assert from 'node:assert/strict';
import { addWork, agentStatus, computeMetrics, openDependencies, type Task, type TaskState, type WorkStatus } from '../../../daemon/src/protocol/index.js';

describe('Derived fields: one rule for the daemon and the extension', () => {
  const work: [TaskState[], WorkStatus][] = [
    [[], 'idle'],
    [['pending'], 'idle'],
    [['paused'], 'online'],
    [['review'], 'online'],
    [['assigned'], 'busy'],
    [['active'], 'busy'],
    [['paused', 'active', 'review'], 'busy'],
    [['active', 'paused'], 'busy'],
    [['done', 'review'], 'online'],
  ];
  for (const [states, expected] of work) {
    it(`an agent holding [${states.join(', ')}] is ${expected}`, () => {
      assert.equal(states.reduce<WorkStatus>(addWork, 'idle'), expected);
    });
  }

  it('an agent the daemon timed out stays offline whatever it holds', () => {
    assert.equal(agentStatus('offline', 'busy'), 'offline');
    assert.equal(agentStatus('idle', 'busy'), 'busy');
    assert.equal(agentStatus('busy', 'idle'), 'idle');
  });

  it('a dependency is open until its task reaches the expected state; an unknown one as the caller says', () => {
    const known = new Map<string, Pick<Task, 'state'>>([
      ['a', { state: 'done' }],
      ['b', { state: 'active' }],
    ]);
    const task = { dependsOn: [{ taskId: 'a', state: 'done' as const }, { taskId: 'b', state: 'done' as const }, { taskId: 'gone', state: 'done' as const }] };
    const find = (id: string): Pick<Task, 'state'> | undefined => known.get(id);
    assert.deepEqual(openDependencies(task, find), ['b']);
    assert.deepEqual(openDependencies(task, find, true), ['b', 'gone']);
  });

  it('wait, work and cycle times appear as each end becomes known', () => {
    const createdAt = '2026-01-01T10:00:00.000Z';
    assert.deepEqual(computeMetrics({ createdAt, startedAt: null, completedAt: null, state: 'pending' }), { waitMs: null, workMs: null, cycleMs: null });
    assert.deepEqual(computeMetrics({ createdAt, startedAt: '2026-01-01T10:00:02.000Z', completedAt: null, state: 'active' }), {
      waitMs: 2000,
      workMs: null,
      cycleMs: null,
    });
    assert.deepEqual(
      computeMetrics({ createdAt, startedAt: '2026-01-01T10:00:02.000Z', completedAt: '2026-01-01T10:00:07.000Z', state: 'done' }),
      { waitMs: 2000, workMs: 5000, cycleMs: 7000 },
    );
    // A completion time left over from an earlier run does not count while the task runs again.
    assert.equal(computeMetrics({ createdAt, startedAt: '2026-01-01T10:00:02.000Z', completedAt: '2026-01-01T10:00:07.000Z', state: 'active' }).cycleMs, null);
  });
});
