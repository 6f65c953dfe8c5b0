/**
 * The task table against the plain structures it replaces (a map of tasks, a map of ranks, a set of ids per state),
 * driven by the same random sequence of creates, state changes and removals.
 */
import { strict as assert } from 'node:assert';
import { buildTask, TASK_STATES, type Task, type TaskState } from '../../../daemon/src/protocol/index.js';
import { TaskTable } from '../../../daemon/src/store/taskTable.js';

/** A small seeded generator (mulberry32), so that a failing sequence can be run again. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const task = (id: string, state: TaskState): Task => ({ ...buildTask({ title: id }, id, '2026-01-01T00:00:00.000Z'), state });

class Reference {
  readonly tasks = new Map<string, Task>();
  readonly ranks = new Map<string, number>();
  readonly byState = new Map<TaskState, Set<string>>();
  private next = 0;

  set(value: Task): void {
    const before = this.tasks.get(value.id);
    if (!before) this.ranks.set(value.id, this.next++);
    this.tasks.set(value.id, value);
    // A task keeps its place among the tasks of its state until it leaves it.
    if (before?.state === value.state) return;
    if (before) this.byState.get(before.state)?.delete(value.id);
    let ids = this.byState.get(value.state);
    if (!ids) this.byState.set(value.state, (ids = new Set()));
    ids.add(value.id);
  }

  delete(id: string): void {
    const before = this.tasks.get(id);
    if (before) this.byState.get(before.state)?.delete(id);
    this.tasks.delete(id);
    this.ranks.delete(id);
  }
}

function assertSame(table: TaskTable, reference: Reference, step: string): void {
  assert.equal(table.size, reference.tasks.size, `${step}: size`);
  assert.deepEqual([...table.keys()], [...reference.tasks.keys()], `${step}: creation order`);
  assert.deepEqual(
    [...table.ranked()].map(({ task: t, rank }) => [t.id, rank]),
    [...reference.tasks.keys()].map((id) => [id, reference.ranks.get(id)]),
    `${step}: ranks`,
  );
  for (const state of TASK_STATES) {
    const ids = [...(reference.byState.get(state) ?? [])];
    assert.deepEqual([...table.inStates([state])].map((t) => t.id), ids, `${step}: tasks in ${state}`);
    assert.equal(table.countIn(state), ids.length, `${step}: count in ${state}`);
  }
}

describe('task table: ranks and state lists', () => {
  for (const seed of [1, 2, 3]) {
    it(`matches a map of tasks, a map of ranks and a set per state over random changes (seed ${seed})`, () => {
      const next = random(seed);
      const table = new TaskTable();
      const reference = new Reference();
      const ids = Array.from({ length: 40 }, (_, i) => `t${i}`);
      for (let step = 0; step < 2000; step++) {
        const id = ids[Math.floor(next() * ids.length)] as string;
        const roll = next();
        if (roll < 0.2) {
          table.delete(id);
          reference.delete(id);
        } else {
          const value = task(id, TASK_STATES[Math.floor(next() * TASK_STATES.length)] as TaskState);
          table.set(value, table.get(id));
          reference.set(value);
        }
        if (step % 50 === 0) assertSame(table, reference, `step ${step}`);
      }
      assertSame(table, reference, 'the end');
    });
  }

  it('gives an id created again after its removal a new, higher rank', () => {
    const table = new TaskTable();
    table.set(task('a', 'pending'), undefined);
    table.set(task('b', 'pending'), undefined);
    table.delete('a');
    table.set(task('a', 'pending'), undefined);
    assert.deepEqual([...table.ranked()].map(({ task: t, rank }) => `${t.id}${rank}`), ['b1', 'a2']);
    assert.equal(table.rank('missing'), undefined);
  });

  it('refuses to go on listing a state whose tasks change meanwhile', () => {
    const table = new TaskTable();
    for (const id of ['a', 'b', 'c']) table.set(task(id, 'pending'), undefined);
    assert.throws(() => {
      for (const t of table.inStates(['pending'])) table.set({ ...t, state: 'active' }, t);
    }, /changed state while being listed/);
  });
});
