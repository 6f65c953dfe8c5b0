import * as assert from 'node:assert/strict';
import type { ModelChange } from '../../../extension/src/model/trackerModel.js';
import { TrackerModel } from '../../../extension/src/model/trackerModel.js';
import { agent, connectedModel, event, task } from './fixtures.js';

/** Every change the model emits, flushed by hand so a test sees exactly one per burst. */
function changesOf(model: TrackerModel): ModelChange[] {
  const seen: ModelChange[] = [];
  model.onDidChange((c) => seen.push(c));
  return seen;
}

describe('Extension model: the tracker model folds events into change sets', () => {
  it('emits one change per burst naming exactly the tasks and agents that changed', () => {
    const model = connectedModel([task('a'), task('b'), task('c')], [agent('x')]);
    const changes = changesOf(model);
    model.applyEvent(event('task.progress', { taskId: 'a', data: { progress: 10, step: 'one' } }));
    model.applyEvent(event('task.progress', { taskId: 'a', data: { progress: 20, step: 'two' } }));
    model.applyEvent(event('task.transitioned', { taskId: 'b', data: { from: 'pending', to: 'active', agentId: 'x' } }));
    model.flush();
    assert.equal(changes.length, 1);
    assert.deepEqual([...changes[0]!.tasks].sort(), ['a', 'b']);
    assert.equal(changes[0]!.reset, false);
    assert.equal(model.getTask('a')?.progress, 20);
    assert.equal(model.getTask('b')?.state, 'active');
    assert.equal(model.getTask('c')?.state, 'pending');
  });

  it('ignores an event at or below the seq it has folded: nothing twice after a reconnect', () => {
    const model = connectedModel([task('a')]);
    const first = event('task.progress', { taskId: 'a', data: { progress: 30 } });
    assert.equal(model.applyEvent(first), true);
    model.flush();
    const changes = changesOf(model);
    assert.equal(model.applyEvent(first), false);
    assert.equal(model.applyEvent({ ...first, seq: 10 }), false);
    model.flush();
    assert.deepEqual(changes, []);
    assert.equal(model.seq, first.seq);
  });

  const alerts: [string, Parameters<typeof event>, string][] = [
    ['a task that fails', ['task.transitioned', { taskId: 'a', data: { from: 'active', to: 'failed', error: { message: 'boom' } } }], 'failed'],
    ['a task flagged stuck', ['task.stuck', { taskId: 'a', data: { reason: 'lease_expired' } }], 'stuck'],
  ];
  for (const [what, [type, fields], kind] of alerts) {
    it(`raises a "${kind}" alert for ${what} live, and none while catching up`, () => {
      const catchingUp = new TrackerModel();
      catchingUp.loadSnapshot({ tasks: [task('a', { state: 'active', agentId: 'x' })], agents: [], seq: 1000, uncertainUntil: 1000 });
      catchingUp.flush();
      const quiet = changesOf(catchingUp);
      catchingUp.applyEvent(event(type, fields));
      catchingUp.flush();
      assert.equal(quiet.length, 1);
      assert.deepEqual(quiet[0]!.alerts, [], 'catch-up is history, not news');

      const live = connectedModel([task('a', { state: 'active', agentId: 'x' })]);
      const news = changesOf(live);
      live.applyEvent(event(type, fields));
      live.flush();
      assert.deepEqual(news[0]!.alerts, [{ kind, taskId: 'a' }]);
      // The same condition again is not news again.
      live.applyEvent(event('task.progress', { taskId: 'a', data: { progress: 50 } }));
      live.flush();
      assert.deepEqual(news[1]!.alerts, []);
    });
  }

  it('skips events the snapshot already holds while its pages were being read, and folds newer ones', () => {
    const model = new TrackerModel();
    const updatedAt = '2026-01-01T10:05:00.000Z';
    model.loadSnapshot({ tasks: [task('a', { progress: 40, updatedAt })], agents: [], seq: 100, uncertainUntil: 110 });
    model.flush();
    const older = { ...event('task.progress', { taskId: 'a', data: { progress: 10 } }), seq: 105, at: '2026-01-01T10:04:00.000Z' };
    const newer = { ...event('task.progress', { taskId: 'a', data: { progress: 60 } }), seq: 108, at: '2026-01-01T10:06:00.000Z' };
    model.applyEvent(older);
    assert.equal(model.getTask('a')?.progress, 40, 'an event no newer than the task is already in it');
    model.applyEvent(newer);
    assert.equal(model.getTask('a')?.progress, 60);
  });

  it('removes a deleted task and reports it', () => {
    const model = connectedModel([task('a'), task('b')]);
    const changes = changesOf(model);
    model.applyEvent(event('task.deleted', { taskId: 'a', data: {} }));
    model.flush();
    assert.equal(model.getTask('a'), undefined);
    assert.equal(model.taskCount, 1);
    assert.deepEqual([...changes[0]!.tasks], ['a']);
  });

  it("moves an agent's last-seen time forward from its own events and from polls, never back", () => {
    const model = connectedModel([task('a', { state: 'active', agentId: 'x' })], [agent('x', { lastSeenAt: '2026-01-01T10:00:00.000Z' })]);
    const changes = changesOf(model);
    const sent = event('task.progress', { taskId: 'a', actor: 'agent:x', data: { progress: 5 } });
    model.applyEvent(sent);
    model.flush();
    assert.equal(model.getAgent('x')?.lastSeenAt, sent.at);
    assert.deepEqual([...changes[0]!.agents], ['x']);
    model.mergeAgents([agent('x', { lastSeenAt: '2025-12-31T00:00:00.000Z' }), agent('unknown', { lastSeenAt: '2030-01-01T00:00:00.000Z' })]);
    model.flush();
    assert.equal(model.getAgent('x')?.lastSeenAt, sent.at, 'an older poll does not move it back');
    assert.equal(model.getAgent('unknown'), undefined, 'a new agent arrives with its own event, not from a poll');
    model.mergeAgents([agent('x', { lastSeenAt: '2030-01-01T00:00:00.000Z' })]);
    model.flush();
    assert.equal(model.getAgent('x')?.lastSeenAt, '2030-01-01T00:00:00.000Z');
  });

  it('a snapshot replaces everything and says so; clearing forgets it', () => {
    const model = connectedModel([task('a')]);
    const changes = changesOf(model);
    model.loadSnapshot({ tasks: [task('b')], agents: [], seq: 2000, uncertainUntil: 2000 });
    model.flush();
    assert.equal(changes[0]!.reset, true);
    assert.deepEqual([...model.tasks()].map((t) => t.id), ['b']);
    assert.equal(model.seq, 2000);
    model.clear();
    model.flush();
    assert.equal(model.hasSnapshot, false);
    assert.equal(model.taskCount, 0);
    assert.equal(changes[1]!.reset, true);
  });
});
