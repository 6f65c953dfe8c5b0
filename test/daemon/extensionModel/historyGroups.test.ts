import * as assert from 'node:assert/strict';
import { historyGroups, LARGE_GROUP } from '../../../extension/src/model/historyGroups.js';
import type { Task } from '../../../extension/src/model/protocol.js';
import { task } from './fixtures.js';

function sources(tasks: Task[]) {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return { task: (id: string) => byId.get(id), agentName: (id: string) => `Agent ${id}` };
}

describe('Extension model: History groups of a large day', () => {
  it('reads a day of a size one reads through as one list', () => {
    const tasks = Array.from({ length: LARGE_GROUP }, (_, i) => task(`t${i}`, { state: i % 2 ? 'done' : 'failed' }));
    assert.equal(historyGroups('2026-01-01', tasks.map((t) => t.id), sources(tasks)), undefined);
  });

  it('splits a large day by outcome, failures first, and a large outcome of several agents by agent', () => {
    const tasks = [
      ...Array.from({ length: 3 }, (_, i) => task(`f${i}`, { state: 'failed', agentId: 'a' })),
      ...Array.from({ length: 40 }, (_, i) => task(`d${i}`, { state: 'done', agentId: i < 25 ? 'a' : 'b' })),
      task('c0', { state: 'cancelled' }),
    ];
    const src = sources(tasks);
    const ids = tasks.map((t) => t.id);
    const day = historyGroups('2026-01-01', ids, src);
    assert.deepEqual(day?.map((g) => [g.key, g.label, g.taskIds.length]), [
      ['2026-01-01/failed', 'Failed', 3],
      ['2026-01-01/cancelled', 'Cancelled', 1],
      ['2026-01-01/done', 'Done', 40],
    ]);
    const done = day?.[2];
    assert.deepEqual(historyGroups('2026-01-01', done?.taskIds ?? [], src, 'done')?.map((g) => [g.key, g.label, g.agentId, g.taskIds.length]), [
      ['2026-01-01/done/a', 'Agent a', 'a', 25],
      ['2026-01-01/done/b', 'Agent b', 'b', 15],
    ]);
    assert.equal(historyGroups('2026-01-01', day?.[0]?.taskIds ?? [], src, 'failed'), undefined, 'a small outcome is a list');
  });

  it('splits a large day of one outcome (an import) by agent straight away, and leaves it whole when one agent did all', () => {
    const tasks = Array.from({ length: 60 }, (_, i) => task(`i${i}`, { state: 'done', agentId: i % 3 ? 'x' : null }));
    const src = sources(tasks);
    assert.deepEqual(historyGroups('d', tasks.map((t) => t.id), src)?.map((g) => [g.label, g.taskIds.length]), [['Agent x', 40], ['no agent', 20]]);
    const one = tasks.filter((t) => t.agentId === 'x');
    const more = [...one, ...one.map((t) => ({ ...t, id: `${t.id}b` }))];
    assert.equal(historyGroups('d', more.map((t) => t.id), sources(more)), undefined);
  });
});
