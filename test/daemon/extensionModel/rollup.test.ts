import * as assert from 'node:assert/strict';
import { rollupOf, rollupText } from '../../../extension/src/model/rollup.js';
import { TaskTree } from '../../../extension/src/model/taskTree.js';
import { connectedModel, event, task } from './fixtures.js';

describe('Extension model: a parent’s progress from its subtasks', () => {
  it('counts a done subtask whole and the others by their own progress, leaving cancelled ones out', () => {
    const rollup = rollupOf([
      task('a', { state: 'done', progress: 30 }),
      task('b', { state: 'active', progress: 50 }),
      task('c', { state: 'pending' }),
      task('d', { state: 'cancelled', progress: 10 }),
    ]);
    assert.deepEqual(rollup, { total: 3, done: 1, progress: 50 });
    assert.equal(rollupText(rollup ?? assert.fail()), '50% · 1 of 3 subtasks done');
    assert.equal(rollupText({ total: 1, done: 1, progress: 100 }), '100% · 1 of 1 subtask done');
    assert.equal(rollupOf([]), null);
    assert.equal(rollupOf([task('x', { state: 'cancelled' })]), null);
  });

  it('the Tasks view redraws a parent’s row when a subtask moves on', () => {
    const model = connectedModel([task('p', { state: 'active', agentId: 'x' }), task('c', { state: 'active', agentId: 'x', parentId: 'p' })]);
    const tree = new TaskTree(model, { stuckAfterMs: 0 });
    const changes: string[][] = [];
    tree.onDidChange((c) => changes.push([...c.items]));
    model.applyEvent(event('task.progress', { taskId: 'c', data: { progress: 40 } }));
    model.flush();
    assert.ok(changes.some((items) => items.includes('p')), 'the parent row is redrawn');
  });
});
