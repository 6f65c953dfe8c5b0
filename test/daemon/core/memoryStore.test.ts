/**
 * `createApp` on the in-memory store: the whole HTTP API with no home folder and nothing on disk, as an embedder or a
 * route test would run it. The engine's rules are the same ones the file store runs under.
 */
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../daemon/src/server/app.js';
import { Tracker } from '../../../daemon/src/engine/tracker.js';
import type { Logger } from '../../../daemon/src/common/logger.js';
import type { Replay, Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { MemoryStore } from '../../../daemon/src/store/memory/memoryStore.js';
import { HttpClient } from '../support/http.js';
import { TestClock } from '../support/testClock.js';

const TOKEN = 'memory-store-token';
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

describe('createApp on the in-memory store', () => {
  let server: Server;
  let http: HttpClient;
  let store: MemoryStore;
  let clock: TestClock;

  beforeEach(async () => {
    clock = new TestClock();
    store = new MemoryStore(clock);
    const tracker = new Tracker(store, clock, { defaultLeaseMs: 60_000, agentTimeoutMs: 60_000 });
    let port = 0;
    const app = createApp({
      token: TOKEN,
      port: () => port,
      tracker,
      version: 'test',
      log: quiet,
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    http = new HttpClient(`http://127.0.0.1:${port}`, TOKEN);
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await store.close();
  });

  it('serves a task through its life, its history, the feed and the replay law', async () => {
    const health = await http.get<{ ok: boolean; seq: number; store: unknown }>('/healthz', { token: null });
    assert.deepEqual([health.status, health.body.ok, health.body.seq, health.body.store], [200, true, 0, { kind: 'memory', ok: true }]);

    const created = await http.post<Task>('/v1/tasks', { id: 'build', title: 'Build' });
    assert.equal(created.status, 201);
    const started = await http.post<Task>('/v1/tasks/build/transition', { to: 'active', agentId: 'worker' });
    assert.deepEqual([started.status, started.body.state, started.body.agentId], [200, 'active', 'worker']);
    const done = await http.post<Task>('/v1/tasks/build/transition', { to: 'done', agentId: 'worker', result: { ok: true } });
    assert.deepEqual([done.status, done.body.state], [200, 'done']);

    const history = await http.get<{ items: TrackerEvent[] }>('/v1/tasks/build/events');
    assert.equal(history.body.items[0]?.type, 'task.created');
    assert.equal(history.body.items.at(-1)?.type, 'task.transitioned');
    const feed = await http.get<{ items: TrackerEvent[] }>('/v1/events?after=0');
    assert.deepEqual(feed.body.items.map((e) => e.seq), Array.from({ length: store.durableSeq }, (_, i) => i + 1));
    const replay = await http.get<Replay>('/v1/tasks/build/replay');
    assert.equal(replay.body.consistent, true);
    assert.equal((await http.get<Task>('/v1/tasks/build')).body.state, 'done');
  });

  it('keeps idempotency and claims atomic', async () => {
    const first = await http.post<Task>('/v1/tasks', { title: 'once' }, { idempotencyKey: 'k1' });
    const again = await http.post<Task>('/v1/tasks', { title: 'once' }, { idempotencyKey: 'k1' });
    assert.deepEqual([first.status, again.status, again.body.id, again.headers['idempotent-replayed']], [201, 201, first.body.id, 'true']);
    assert.equal((await http.post('/v1/tasks', { title: 'other' }, { idempotencyKey: 'k1' })).status, 422);

    await http.post('/v1/tasks', { id: 'contested', title: 'contested' });
    const claims = await Promise.all(['a', 'b', 'c', 'd'].map((agentId) => http.post('/v1/tasks/contested/claim', { agentId })));
    assert.deepEqual(claims.map((c) => c.status).sort(), [200, 409, 409, 409]);
  });

  it('compacts through the store when retention removes finished tasks', async () => {
    await http.post('/v1/tasks', { id: 'old', title: 'old' });
    await http.post('/v1/tasks/old/transition', { to: 'cancelled' });
    await http.post('/v1/tasks', { id: 'live', title: 'live' });
    clock.advance(2 * 24 * 60 * 60 * 1000);
    const cleanup = await http.post<{ removed: number; kept: number }>('/v1/history/cleanup', { olderThanDays: 1 });
    assert.deepEqual(cleanup.body, { removed: 1, kept: 0 });
    assert.equal((await http.get('/v1/tasks/old')).status, 404);
    assert.equal((await http.get('/v1/tasks/old/events')).status, 404);
    const feed = await http.get<{ items: TrackerEvent[] }>('/v1/events');
    // The removal stays in the feed (a reconnecting stream learns of it); the removed task's other events are gone.
    assert.deepEqual(
      feed.body.items.filter((e) => e.taskId === 'old').map((e) => e.type),
      ['task.deleted'],
    );
    assert.ok(feed.body.items.some((e) => e.taskId === 'live' && e.type === 'task.created'));
  });
});
