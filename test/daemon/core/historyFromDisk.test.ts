/**
 * Histories served from the log on disk: the feed, stream catch-up, task histories and replays are the same events,
 * byte for byte, before and after a restart, and across a compaction; the registry in memory holds no history.
 */
import { strict as assert } from 'node:assert';
import type { Replay, Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { StreamRecorder } from '../live/streamClient.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

const TASKS = 40;
const LOGS_PER_TASK = 25;

async function populate(d: TestDaemon): Promise<void> {
  for (let t = 0; t < TASKS; t++) {
    await d.http.ok(d.http.post('/v1/tasks', { id: `t${t}`, title: `task ${t}`, description: 'ünïcödé ✓ "quoted" \\ back' }));
  }
  // Interleaved across tasks, as agents write them, in batches and single requests.
  for (let round = 0; round < LOGS_PER_TASK; round++) {
    const lines = Array.from({ length: TASKS }, (_, t) => ({ op: 'log', taskId: `t${t}`, message: `round ${round} of t${t}` }));
    await d.http.ok(d.http.post('/v1/events', lines));
  }
  await d.http.ok(d.http.post('/v1/tasks/t3/claim', { agentId: 'worker', leaseMs: 90_000 }));
  await d.http.ok(d.http.post('/v1/tasks/t4/transition', { to: 'cancelled' }));
}

async function feed(d: TestDaemon, after = 0): Promise<TrackerEvent[]> {
  const out: TrackerEvent[] = [];
  for (let cursor = after; ; ) {
    const page = await d.http.ok(d.http.get<{ items: TrackerEvent[] }>(`/v1/events?after=${cursor}&limit=1000`));
    if (page.items.length === 0) return out;
    out.push(...page.items);
    cursor = (page.items.at(-1) as TrackerEvent).seq;
  }
}

async function taskHistory(d: TestDaemon, id: string): Promise<TrackerEvent[]> {
  return (await d.http.ok(d.http.get<{ items: TrackerEvent[] }>(`/v1/tasks/${id}/events?limit=1000`))).items;
}

describe('core: histories from disk', function () {
  this.timeout(120_000);
  let d: TestDaemon | undefined;
  afterEach(async () => {
    await d?.close();
    d = undefined;
  });

  it('serves the same feed, stream catch-up, histories and replays after a restart, with nothing lost', async () => {
    d = await startTestDaemon();
    await populate(d);
    const before = await feed(d);
    const histories = await Promise.all(Array.from({ length: TASKS }, (_, t) => taskHistory(d as TestDaemon, `t${t}`)));
    assert.equal(before.length, d.daemon.tracker.store.durableSeq);
    assert.deepEqual(before.map((e) => e.seq), Array.from({ length: before.length }, (_, i) => i + 1));
    // The registry in memory keeps tasks and indexes, not events.
    assert.ok(!('events' in d.daemon.tracker.state) && !('taskEvents' in d.daemon.tracker.state));

    await d.stop();
    d = await startTestDaemon({ home: d.home });
    assert.deepEqual(await feed(d), before);
    assert.deepEqual(await feed(d, 500), before.filter((e) => e.seq > 500));
    for (let t = 0; t < TASKS; t++) {
      const history = await taskHistory(d, `t${t}`);
      assert.deepEqual(history, histories[t]);
      assert.equal(history.length, 1 + LOGS_PER_TASK + (t === 3 || t === 4 ? 1 : 0));
      const replay: Replay = await d.http.ok(d.http.get<Replay>(`/v1/tasks/t${t}/replay`));
      assert.equal(replay.consistent, true, `t${t} replays to its stored state`);
    }
    assert.deepEqual(
      (await d.http.ok(d.http.get<{ items: TrackerEvent[] }>('/v1/tasks/t7/events?after=0&limit=3'))).items,
      histories[7]?.slice(0, 3),
    );

    const stream = await StreamRecorder.open(d, 0);
    try {
      await stream.waitForSeq(d.daemon.tracker.store.durableSeq);
      assert.deepEqual(stream.events, before);
      // Live after the catch-up, without a gap.
      const created = await d.http.ok(d.http.post<Task>('/v1/tasks', { id: 'after-restart', title: 'after' }));
      assert.equal(created.version, 1);
      await stream.waitForSeq(before.length + 1);
      assert.deepEqual(stream.events.map((e) => e.seq), Array.from({ length: before.length + 1 }, (_, i) => i + 1));
    } finally {
      await stream.close();
    }

    // A heartbeat after the restart renews the lease by the claim's own length, read back without the history.
    const claimed = (await d.http.ok(d.http.get<Task>('/v1/tasks/t3'))).lease;
    assert.ok(claimed);
    const renewed = await d.http.ok(
      d.http.post<{ leaseExpiresAt: string }>('/v1/tasks/t3/heartbeat', { agentId: 'worker', leaseToken: claimed.token }),
    );
    const leaseMs = Date.parse(renewed.leaseExpiresAt) - Date.now();
    assert.ok(leaseMs > 60_000 && leaseMs <= 90_000, `renewed by the claim's 90 s, not the default 60 s (${leaseMs} ms)`);
  });

  it('reads the right bytes after a compaction rewrote the log under the index', async () => {
    d = await startTestDaemon();
    await populate(d);
    const kept = await taskHistory(d, 't9');
    const cleanup = await d.http.ok(d.http.post<{ removed: number }>('/v1/history/cleanup', { olderThanDays: 0 }));
    assert.equal(cleanup.removed, 1);
    assert.equal((await d.http.get('/v1/tasks/t4/events')).status, 404);
    assert.deepEqual(await taskHistory(d, 't9'), kept);
    const after = await feed(d);
    assert.deepEqual(after.filter((e) => e.taskId === 't4').map((e) => e.type), ['task.deleted']);
    await d.stop();
    d = await startTestDaemon({ home: d.home });
    assert.deepEqual(await feed(d), after);
    assert.deepEqual(await taskHistory(d, 't9'), kept);
  });
});
