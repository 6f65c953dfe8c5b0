import * as assert from 'node:assert/strict';
import { HistoryList, type HistoryChange, type HistoryPage } from '../../../extension/src/model/historyList.js';
import type { Task } from '../../../extension/src/model/protocol.js';
import { connectedModel, event, task } from './fixtures.js';

/** Finished tasks, newest completion first, as `GET /v1/history` serves them: `n` of them, a minute apart. */
function finished(n: number): Task[] {
  return Array.from({ length: n }, (_, i) =>
    task(`h${i}`, { state: 'done', completedAt: new Date(Date.parse('2026-01-01T09:00:00.000Z') - i * 60_000).toISOString() }),
  );
}

/** Serves pages of `tasks` as the daemon would and counts the reads. */
function pages(tasks: readonly Task[]): { load: (offset: number, limit: number) => Promise<HistoryPage>; reads: number[] } {
  const reads: number[] = [];
  return {
    reads,
    load: async (offset, limit) => {
      reads.push(offset);
      return { items: tasks.slice(offset, offset + limit), total: tasks.length };
    },
  };
}

function ids(list: HistoryList): string[] {
  return list.days().flatMap((d) => d.taskIds);
}

describe('Extension model: the History list', () => {
  it('reads page by page, newest completion first, one request for concurrent asks', async () => {
    const all = finished(5);
    const source = pages(all);
    const list = new HistoryList(connectedModel([]), source.load, 2);
    await Promise.all([list.loadMore(), list.loadMore()]);
    assert.deepEqual(source.reads, [0]);
    assert.deepEqual(ids(list), ['h0', 'h1']);
    assert.equal(list.hasMore, true);
    await list.loadMore();
    await list.loadMore();
    assert.deepEqual(ids(list), ['h0', 'h1', 'h2', 'h3', 'h4']);
    assert.equal(list.hasMore, false);
    assert.equal(list.total, 5);
  });

  it('puts a task that finishes live at the top and takes out a failed one that is retried', async () => {
    const [h0, h1] = finished(2) as [Task, Task];
    const failed = { ...h1, state: 'failed' as const };
    const model = connectedModel([task('live', { state: 'active', agentId: 'x' }), h0, failed]);
    const list = new HistoryList(model, pages([h0, failed]).load, 10);
    await list.loadMore();
    const changes: HistoryChange[] = [];
    list.onDidChange((c) => changes.push(c));

    model.applyEvent({ ...event('task.transitioned', { taskId: 'live', data: { from: 'active', to: 'done' } }), at: '2026-01-01T09:30:00.000Z' });
    model.flush();
    assert.deepEqual(ids(list), ['live', 'h0', 'h1']);
    assert.equal(list.total, 3);
    assert.equal(changes.length, 1);

    model.applyEvent(event('task.transitioned', { taskId: 'h1', data: { from: 'failed', to: 'pending' } }));
    model.flush();
    assert.equal(model.getTask('h1')?.state, 'pending');
    assert.deepEqual(ids(list), ['live', 'h0']);
    assert.equal(list.total, 2);
  });

  it('leaves a task that finished before the last loaded one to the page that holds it', async () => {
    const all = finished(4);
    const model = connectedModel([task('old', { state: 'active' })]);
    const list = new HistoryList(model, pages(all).load, 2);
    await list.loadMore();
    model.applyEvent({ ...event('task.transitioned', { taskId: 'old', data: { from: 'active', to: 'failed' } }), at: '2026-01-01T08:00:00.000Z' });
    model.flush();
    assert.deepEqual(ids(list), ['h0', 'h1'], '"Load more" brings it in its place');
  });

  it('reads the first page again after the model was replaced by a snapshot', async () => {
    const source = pages(finished(3));
    const model = connectedModel([]);
    const list = new HistoryList(model, source.load, 10);
    await list.loadMore();
    model.loadSnapshot({ tasks: [], agents: [], seq: 5000, uncertainUntil: 5000 });
    model.flush();
    await list.loadMore();
    assert.equal(source.reads.filter((offset) => offset === 0).length >= 2, true);
    assert.deepEqual(ids(list), ['h0', 'h1', 'h2']);
  });
});
