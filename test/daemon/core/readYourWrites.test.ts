/**
 * Read your writes, on whichever store the suite runs (file store, or PostgreSQL with AGENT_TRACKER_TEST_STORE): every
 * write names the seq of its last event, a read that asks for a seq the daemon holds is answered at once, one it does
 * not hold waits (bounded) and is then 503 with Retry-After, and the client sends the last seq it was answered with.
 */
import { strict as assert } from 'node:assert';
import { TrackerClient } from '../../../daemon/src/client/index.js';
import type { Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

describe('core: read your writes (X-Agent-Tracker-Seq / X-Agent-Tracker-Min-Seq)', function () {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.close();
  });

  it('a write answers with the seq of its last event', async () => {
    const created = await d.http.post<Task>('/v1/tasks', { id: 'ryw-1', title: 'read your writes' });
    assert.equal(created.status, 201, created.text);
    const started = await d.http.post<Task>('/v1/tasks/ryw-1/transition', { to: 'active' });
    assert.equal(started.status, 200, started.text);
    const events = await d.http.ok(d.http.get<{ items: TrackerEvent[] }>('/v1/tasks/ryw-1/events'));
    const createdSeq = events.items.find((e) => e.type === 'task.created')?.seq;
    const lastSeq = events.items.at(-1)?.seq;
    assert.equal(Number(created.headers['x-agent-tracker-seq']), createdSeq);
    assert.equal(Number(started.headers['x-agent-tracker-seq']), lastSeq);
    assert.ok((lastSeq ?? 0) > (createdSeq ?? 0));
  });

  it('a write that records nothing names what the daemon holds; a refused one too', async () => {
    const held = (await d.http.ok(d.http.get<{ seq: number }>('/healthz'))).seq;
    const refused = await d.http.post('/v1/tasks', { title: '' });
    assert.equal(refused.status, 400);
    assert.equal(Number(refused.headers['x-agent-tracker-seq']), held);
  });

  it('a read at a seq the daemon holds is answered at once, by header or query', async () => {
    const created = await d.http.post<Task>('/v1/tasks', { id: 'ryw-2', title: 'held' });
    const seq = String(created.headers['x-agent-tracker-seq']);
    const byHeader = await d.http.get<Task>('/v1/tasks/ryw-2', { headers: { 'x-agent-tracker-min-seq': seq } });
    assert.equal(byHeader.status, 200, byHeader.text);
    const byQuery = await d.http.get<{ total: number }>(`/v1/tasks?minSeq=${seq}&q=held`);
    assert.equal(byQuery.status, 200, byQuery.text);
    assert.equal(byQuery.body.total, 1);
  });

  it('a read at a seq nobody wrote waits about 2 s, then 503 unavailable with Retry-After', async () => {
    const ahead = (await d.http.ok(d.http.get<{ seq: number }>('/healthz'))).seq + 1000;
    const started = performance.now();
    const res = await d.http.get('/v1/agents', { headers: { 'x-agent-tracker-min-seq': String(ahead) } });
    const waited = performance.now() - started;
    assert.equal(res.status, 503, res.text);
    assert.equal((res.body as { error: { code: string } }).error.code, 'unavailable');
    assert.equal(res.headers['retry-after'], '1');
    assert.ok(waited >= 1900 && waited < 6000, `waited ${Math.round(waited)} ms`);
  });

  it('a read that is answered while waiting: the write arrives within the bound', async () => {
    const next = (await d.http.ok(d.http.get<{ seq: number }>('/healthz'))).seq + 1;
    // Sent first: it waits for the write that follows it.
    const read = d.http.get<Task>('/v1/tasks/ryw-3', { headers: { 'x-agent-tracker-min-seq': String(next) } });
    await d.http.ok(d.http.post('/v1/tasks', { id: 'ryw-3', title: 'arrives later' }));
    const res = await read;
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.title, 'arrives later');
  });

  it('a min seq that is not a seq is 400 validation_failed', async () => {
    for (const bad of ['-1', 'abc', '1e3', '99999999999999999999']) {
      const res = await d.http.get('/v1/tasks', { headers: { 'x-agent-tracker-min-seq': bad } });
      assert.equal(res.status, 400, `${bad}: ${res.text}`);
      assert.equal((res.body as { error: { code: string } }).error.code, 'validation_failed');
    }
    assert.equal((await d.http.get('/v1/tasks?minSeq=x')).status, 400);
  });

  it('the client sends the last seq its writes were answered with on every later read', async () => {
    const seen: (string | null)[] = [];
    const client = new TrackerClient(
      { url: d.daemon.url, token: d.daemon.token },
      {
        fetch: (input, init) => {
          const headers = new Headers(init?.headers);
          if ((init?.method ?? 'GET') === 'GET') seen.push(headers.get('x-agent-tracker-min-seq'));
          return fetch(input, init);
        },
      },
    );
    await client.listTasks();
    const task = await client.createTask({ title: 'through the client' });
    await client.getTask(task.id);
    assert.equal(seen[0], null, 'nothing written yet: nothing asked');
    assert.equal(seen[1], String(client.http.lastSeq));
    assert.ok(client.http.lastSeq > 0);
  });
});
