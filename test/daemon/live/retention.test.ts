/**
 * Retention: POST /v1/history/cleanup and the daily run remove old finished tasks and their events, keep live work and
 * what remaining tasks depend on, announce removals on the stream, and compact the event log, across restarts.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { expectError, type HttpClient } from '../support/http.js';
import { holdsFor, pollUntil } from '../../support/poll.js';
import { assertReplayConsistent } from '../support/replayLaw.js';
import { TestClock } from '../support/testClock.js';
import { startLiveDaemon, type LiveDaemon } from './liveDaemon.js';
import { StreamRecorder } from './streamClient.js';

const DAY = 24 * 60 * 60 * 1000;

async function finish(http: HttpClient, id: string, to: 'done' | 'failed' | 'cancelled', extra: Record<string, unknown> = {}): Promise<void> {
  await http.ok(http.post('/v1/tasks', { id, title: id, ...extra }));
  if (to !== 'cancelled') await http.ok(http.post(`/v1/tasks/${id}/transition`, { to: 'active' }));
  await http.ok(http.post(`/v1/tasks/${id}/transition`, { to, ...(to === 'failed' ? { error: 'broke' } : {}) }));
}

function logText(home: string): string {
  const dir = join(home, 'events');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('');
}

function logLinesAbout(home: string, taskId: string): TrackerEvent[] {
  return logText(home)
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TrackerEvent)
    .filter((event) => event.taskId === taskId);
}

async function status(http: HttpClient, id: string): Promise<number> {
  return (await http.get(`/v1/tasks/${id}`)).status;
}

describe('live: retention', function () {
  let d: LiveDaemon;
  let clock: TestClock;

  beforeEach(async () => {
    clock = new TestClock();
    d = await startLiveDaemon({ clock });
  });
  afterEach(async () => {
    await d?.close();
  });

  it('removes old finished tasks with their events; keeps live work, recent history and what others depend on', async () => {
    await finish(d.http, 'done-old', 'done');
    await finish(d.http, 'failed-old', 'failed');
    await finish(d.http, 'cancelled-old', 'cancelled');
    await finish(d.http, 'pair-a', 'done');
    await finish(d.http, 'pair-b', 'done', { dependsOn: ['pair-a'] });
    await finish(d.http, 'needed', 'done');
    await d.http.ok(d.http.post('/v1/tasks', { id: 'needs', title: 'waits for needed', dependsOn: ['needed'] }));
    await finish(d.http, 'parent', 'done');
    await d.http.ok(d.http.post('/v1/tasks', { id: 'child', title: 'child', parentId: 'parent' }));
    await d.http.ok(d.http.post('/v1/tasks', { id: 'live', title: 'live', state: 'active', agentId: 'worker' }));
    await d.http.ok(d.http.post('/v1/tasks/live/transition', { to: 'paused' }));
    const liveEventsBefore = (await d.http.ok(d.http.get<{ items: TrackerEvent[] }>('/v1/tasks/live/events'))).items;

    clock.advance(31 * DAY);
    await finish(d.http, 'done-recent', 'done');
    const stream = await StreamRecorder.open(d, d.daemon.tracker.store.durableSeq);
    await stream.waitLive();

    const result = await d.http.ok(d.http.post<{ removed: number; kept: number }>('/v1/history/cleanup', { olderThanDays: 30 }));
    assert.deepEqual(result, { removed: 5, kept: 2 });
    const removed = ['cancelled-old', 'done-old', 'failed-old', 'pair-a', 'pair-b'];
    for (const id of removed) {
      assert.equal(await status(d.http, id), 404, id);
      expectError(await d.http.get(`/v1/tasks/${id}/replay`), 404, 'not_found');
    }
    for (const id of ['needed', 'parent', 'done-recent', 'needs', 'child', 'live']) {
      assert.equal(await status(d.http, id), 200, id);
      await assertReplayConsistent(d.http, id);
    }
    const history = await d.http.ok(d.http.get<{ items: Task[] }>('/v1/history'));
    assert.deepEqual(history.items.map((t) => t.id).sort(), ['done-recent', 'needed', 'parent']);
    assert.deepEqual((await d.http.ok(d.http.get<{ items: TrackerEvent[] }>('/v1/tasks/live/events'))).items, liveEventsBefore);

    // The stream announced each removal, and the feed still holds the announcements.
    const deleted = await pollUntil('the task.deleted events', () => {
      const found = stream.events.filter((e) => e.type === 'task.deleted');
      return found.length === 5 ? found : undefined;
    });
    assert.deepEqual(deleted.map((e) => e.taskId).sort(), removed);
    assert.ok(deleted.every((e) => e.actor === 'user' && typeof e.data.reason === 'string'));
    const feed = (await d.http.ok(d.http.get<{ items: TrackerEvent[] }>('/v1/events?limit=1000'))).items;
    assert.deepEqual(feed.filter((e) => removed.includes(e.taskId ?? '')).map((e) => e.type), Array(5).fill('task.deleted'));
    await stream.close();

    // On disk, only the task.deleted line is left of each removed task.
    for (const id of removed) assert.deepEqual(logLinesAbout(d.home, id).map((e) => e.type), ['task.deleted'], id);
    assert.ok(logLinesAbout(d.home, 'live').length >= 2);

    // A restart (registry snapshot + log) agrees.
    const home = d.home;
    await d.stop();
    d = await startLiveDaemon({ home, clock });
    for (const id of removed) assert.equal(await status(d.http, id), 404, id);
    for (const id of ['needed', 'parent', 'done-recent', 'needs', 'child', 'live']) await assertReplayConsistent(d.http, id);

    // The next run that removes something also drops the earlier runs' task.deleted lines.
    await d.http.ok(d.http.post('/v1/tasks/needs/transition', { to: 'cancelled' }));
    clock.advance(31 * DAY);
    const second = await d.http.ok(d.http.post<{ removed: number; kept: number }>('/v1/history/cleanup', { olderThanDays: 30 }));
    assert.deepEqual(second, { removed: 3, kept: 1 }, 'needs, then needed with it, and done-recent; parent stays for child');
    for (const id of removed) assert.deepEqual(logLinesAbout(d.home, id), [], id);
    assert.deepEqual(logLinesAbout(d.home, 'needs').map((e) => e.type), ['task.deleted']);
    for (const id of ['parent', 'child', 'live']) await assertReplayConsistent(d.http, id);
  });

  it('writes acknowledged while the log is compacted are all there after a restart', async function () {
    this.timeout(60_000);
    // Enough old history that the compaction takes a while.
    for (let start = 0; start < 3000; start += 500) {
      const lines = Array.from({ length: 500 }, (_, i) => ({ op: 'create', taskId: `old-${start + i}`, title: 'old', state: 'backlog' }));
      await d.http.ok(d.http.post('/v1/events', lines));
      const cancels = lines.map((l) => ({ op: 'transition', taskId: l.taskId, to: 'cancelled' }));
      await d.http.ok(d.http.post('/v1/events', cancels));
    }
    clock.advance(31 * DAY);
    const acknowledged: string[] = [];
    let cleaning = true;
    const writer = (async () => {
      for (let i = 0; cleaning || i < 5; i++) {
        await d.http.ok(d.http.post('/v1/tasks', { id: `during-${i}`, title: 'written during the compaction' }));
        acknowledged.push(`during-${i}`);
      }
    })();
    const result = await d.http.ok(d.http.post<{ removed: number }>('/v1/history/cleanup', { olderThanDays: 30 }));
    cleaning = false;
    await writer;
    assert.equal(result.removed, 3000);
    const home = d.home;
    await d.stop();
    d = await startLiveDaemon({ home, clock });
    for (const id of acknowledged) assert.equal(await status(d.http, id), 200, id);
    assert.equal(await status(d.http, 'old-0'), 404);
  });

  it('olderThanDays 0 removes every finished task; nothing to remove is a no-op', async () => {
    await finish(d.http, 'just-done', 'done');
    await d.http.ok(d.http.post('/v1/tasks', { id: 'pending', title: 'pending' }));
    assert.deepEqual(await d.http.ok(d.http.post('/v1/history/cleanup', { olderThanDays: 30 })), { removed: 0, kept: 0 });
    clock.advance(1);
    assert.deepEqual(await d.http.ok(d.http.post('/v1/history/cleanup', { olderThanDays: 0 })), { removed: 1, kept: 0 });
    assert.equal(await status(d.http, 'just-done'), 404);
    assert.equal(await status(d.http, 'pending'), 200);
  });

  it('refuses a bad body (400) and a missing token (401)', async () => {
    expectError(await d.http.post('/v1/history/cleanup', { olderThanDays: -1 }), 400, 'validation_failed');
    expectError(await d.http.post('/v1/history/cleanup', {}), 400, 'validation_failed');
    expectError(await d.http.post('/v1/history/cleanup', { olderThanDays: 30, extra: true }), 400, 'validation_failed');
    expectError(await d.http.post('/v1/history/cleanup', { olderThanDays: 30 }, { token: null }), 401, 'unauthorized');
  });

  it('runs by itself with retentionDays, and not at all with 0', async () => {
    await finish(d.http, 'old', 'done');
    const home = d.home;
    await d.stop();
    clock.advance(31 * DAY);
    d = await startLiveDaemon({ home, clock, settings: { retentionDays: 0 }, tuning: { retentionFirstRunMs: 50 } });
    await holdsFor('retention off', async () => (await status(d.http, 'old')) === 200, 1000);
    await d.stop();
    d = await startLiveDaemon({ home, clock, settings: { retentionDays: 30 }, tuning: { retentionFirstRunMs: 50 } });
    await pollUntil('the daily run to finish', () =>
      d.logLines.some((l) => l.includes('retention: removed 1 tasks finished over 30 days ago')) ? true : undefined,
    );
    assert.equal(await status(d.http, 'old'), 404);
    const tombstone = logLinesAbout(d.home, 'old').find((e) => e.type === 'task.deleted');
    assert.equal(tombstone?.actor, 'daemon');
  });
});
