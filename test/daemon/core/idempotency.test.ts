/** Idempotency-Key, batch command ids and If-Match: a retry never does the work twice, a stale write never lands. */
import { strict as assert } from 'node:assert';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

describe('core: idempotent retries and conditional writes', function () {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.close();
  });

  it('replays the stored response for the same key and body, without a new event', async () => {
    const body = { title: 'Idempotent create', tags: ['idem'] };
    const first = await d.http.post<Task>('/v1/tasks', body, { idempotencyKey: 'create-1' });
    assert.equal(first.status, 201);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const seq = d.daemon.tracker.store.seq;
    const again = await d.http.post<Task>('/v1/tasks', body, { idempotencyKey: 'create-1' });
    assert.equal(again.status, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.body, first.body);
    assert.equal(d.daemon.tracker.store.seq, seq);
    const listed = await d.http.ok(d.http.get<{ total: number }>('/v1/tasks?tag=idem'));
    assert.equal(listed.total, 1);
  });

  it('accepts the key under its X-Idempotency-Key spelling too', async () => {
    const body = { title: 'Spelled the old way', tags: ['x-idem'] };
    const headers = { 'x-idempotency-key': 'x-create-1' };
    const first = await d.http.post<Task>('/v1/tasks', body, { headers });
    assert.equal(first.status, 201, first.text);
    const again = await d.http.post<Task>('/v1/tasks', body, { headers });
    assert.equal(again.status, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body.id, first.body.id);
    const other = await d.http.post('/v1/tasks', { ...body, title: 'Another body' }, { headers });
    assert.equal(other.status, 422, other.text);
    assert.equal((other.body as { error: { code: string } }).error.code, 'idempotency_mismatch');
    const listed = await d.http.ok(d.http.get<{ total: number }>('/v1/tasks?tag=x-idem'));
    assert.equal(listed.total, 1);
  });

  it('returns the first answer to a retried transition, which would now be invalid', async () => {
    await d.http.ok(d.http.post('/v1/tasks', { id: 'retry-me', title: 'Retry me' }));
    const body = { to: 'active', agentId: 'agent-r' };
    const first = await d.http.post<Task>('/v1/tasks/retry-me/transition', body, { idempotencyKey: 'start-1' });
    assert.equal(first.status, 200);
    const retry = await d.http.post<Task>('/v1/tasks/retry-me/transition', body, { idempotencyKey: 'start-1' });
    assert.equal(retry.status, 200, retry.text);
    assert.deepEqual(retry.body, first.body);
    const plain = await d.http.post('/v1/tasks/retry-me/transition', body);
    assert.equal(plain.status, 409, 'without the key the same request is a new, invalid transition');
  });

  it('runs concurrent requests with one key once', async () => {
    const body = { title: 'Sent ten times at once', tags: ['burst'] };
    const answers = await Promise.all(Array.from({ length: 10 }, () => d.http.post<Task>('/v1/tasks', body, { idempotencyKey: 'burst-1' })));
    for (const res of answers) assert.equal(res.status, 201, res.text);
    assert.equal(new Set(answers.map((res) => res.body.id)).size, 1);
    const listed = await d.http.ok(d.http.get<{ total: number }>('/v1/tasks?tag=burst'));
    assert.equal(listed.total, 1);
  });

  it('applies a batch command with an id at most once', async () => {
    const batch = [{ op: 'create', id: 'cmd-create-1', taskId: 'batch-once', title: 'Once' }];
    const first = await d.http.ok(d.http.post<{ results: { ok: boolean; seq: number; duplicate?: boolean }[] }>('/v1/events', batch));
    const seq = d.daemon.tracker.store.seq;
    const second = await d.http.ok(d.http.post<{ results: { ok: boolean; seq: number; duplicate?: boolean }[] }>('/v1/events', batch));
    assert.equal(first.results[0]?.ok, true);
    assert.equal(second.results[0]?.ok, true);
    assert.equal(second.results[0]?.duplicate, true);
    assert.equal(second.results[0]?.seq, first.results[0]?.seq);
    assert.equal(d.daemon.tracker.store.seq, seq);
  });

  it('keeps idempotency records across a restart', async () => {
    const body = { title: 'Survives a restart' };
    const first = await d.http.post<Task>('/v1/tasks', body, { idempotencyKey: 'restart-1' });
    await d.stop();
    d = await startTestDaemon({ home: d.home });
    const again = await d.http.post<Task>('/v1/tasks', body, { idempotencyKey: 'restart-1' });
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
    const mismatch = await d.http.post('/v1/tasks', { title: 'different' }, { idempotencyKey: 'restart-1' });
    assert.equal(mismatch.status, 422);
  });

  it('accepts If-Match and expectVersion naming the current version, in every spelling', async () => {
    const task = await d.http.ok(d.http.post<Task>('/v1/tasks', { title: 'Conditional' }));
    const path = `/v1/tasks/${task.id}`;
    const v2 = await d.http.ok(d.http.patch<Task>(path, { step: 'one' }, { headers: { 'if-match': '1' } }));
    const v3 = await d.http.ok(d.http.patch<Task>(path, { step: 'two' }, { headers: { 'if-match': '"2"' } }));
    const v4 = await d.http.ok(d.http.patch<Task>(path, { step: 'three' }, { headers: { 'if-match': 'W/"3"' } }));
    assert.deepEqual([v2.version, v3.version, v4.version, v4.step], [2, 3, 4, 'three']);
    const started = await d.http.ok(d.http.post<Task>(`${path}/transition`, { to: 'active', agentId: 'a', expectVersion: 4 }));
    assert.deepEqual([started.state, started.version], ['active', 5]);
    const unchanged = await d.http.ok(d.http.patch<Task>(path, { step: 'three' }));
    assert.equal(unchanged.version, 5, 'a patch that changes nothing is not a new version');
  });
});
