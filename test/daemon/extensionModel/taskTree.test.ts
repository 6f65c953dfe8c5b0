import * as assert from 'node:assert/strict';
import { TaskTree } from '../../../extension/src/model/taskTree.js';
import { connectedModel, event, task } from './fixtures.js';

const NEEDS = { since: '2026-01-01T10:00:05.000Z', kind: 'permission' as const, message: 'Bash(rm -rf build)' };

describe('Extension model: the Tasks view tree', () => {
  it('puts tasks waiting for the user in Needs you, ahead of every other group', () => {
    const model = connectedModel([
      task('a', { state: 'active', agentId: 'x' }),
      task('s', { state: 'active', agentId: 'x', stuck: { since: '2026-01-01T10:00:00.000Z', reason: 'lease_expired' } }),
      task('n', { state: 'paused', agentId: 'x', needsInput: NEEDS }),
    ]);
    const tree = new TaskTree(model, { stuckAfterMs: 0 });
    assert.deepEqual(tree.roots(), ['needs', 'stuck', 'active']);
    assert.deepEqual(tree.groupChildren('needs'), ['n']);
    assert.equal(tree.attentionCount(), 2);
  });

  it('counts every open task per group whatever the filter, and nested tasks in the group total', () => {
    const model = connectedModel([
      task('p', { state: 'active', agentId: 'x', tags: ['keep'] }),
      task('c', { state: 'active', agentId: 'x', parentId: 'p', tags: ['keep'] }),
      task('o', { state: 'active', agentId: 'y' }),
    ]);
    const tree = new TaskTree(model, { stuckAfterMs: 0 });
    assert.equal(tree.groupChildren('active').length, 2, 'the subtask nests under its parent');
    assert.equal(tree.groupTotal('active'), 3, 'the group total counts the nested one too');
    tree.setFilter({ tag: 'keep' });
    assert.equal(tree.groupTotal('active'), 2);
    assert.equal(tree.unfilteredTotal('active'), 3, 'the unfiltered count ignores the filter');
  });

  it('tells identical titles apart, and stops once only one is left', async () => {
    const model = connectedModel([task('a1', { title: 'Build' }), task('a2', { title: 'Build' }), task('b', { title: 'Other' })]);
    const tree = new TaskTree(model, { stuckAfterMs: 0 });
    assert.equal(tree.hasTwin('a1'), true);
    assert.equal(tree.hasTwin('b'), false);
    const changes: string[][] = [];
    tree.onDidChange((c) => changes.push([...c.items]));
    model.applyEvent(event('task.transitioned', { taskId: 'a2', data: { from: 'pending', to: 'cancelled' } }));
    model.flush();
    assert.equal(tree.hasTwin('a1'), false);
    assert.ok(changes.some((items) => items.includes('a1')), 'the remaining twin is redrawn');
  });

  it('moves a task out of Needs you when the agent goes on', () => {
    const model = connectedModel([task('n', { state: 'paused', agentId: 'x', needsInput: NEEDS })]);
    const tree = new TaskTree(model, { stuckAfterMs: 0 });
    model.applyEvent(event('task.updated', { taskId: 'n', data: { changes: { needsInput: null } } }));
    model.applyEvent(event('task.transitioned', { taskId: 'n', data: { from: 'paused', to: 'active' } }));
    model.flush();
    assert.deepEqual(tree.roots(), ['active']);
    assert.equal(tree.attentionCount(), 0);
  });
});
