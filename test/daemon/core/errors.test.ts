/**
 * Every error code of the contract, route by route, as a table. Each case also proves that the refused request changed
 * nothing: the log's seq, the durable seq and the tasks are as they were before it.
 */
import { strict as assert } from 'node:assert';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { expectError, type HttpClient, type HttpResponse } from '../support/http.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

interface ErrorCase {
  name: string;
  status: number;
  code: string;
  send: (http: HttpClient) => Promise<HttpResponse<unknown>>;
  details?: (details: unknown) => void;
}

interface FieldIssue {
  path: string;
  message: string;
}

/** The validation details name the failing field. */
const names = (field: string) => (details: unknown) => {
  assert.ok(Array.isArray(details), `details should list the failing fields: ${JSON.stringify(details)}`);
  assert.ok((details as FieldIssue[]).some((d) => d.path === field), `no issue for ${field}: ${JSON.stringify(details)}`);
  for (const d of details as FieldIssue[]) assert.equal(typeof d.message, 'string');
};

const REASON = { reason: 'operator test' };
let leaseToken = '';

const cases: ErrorCase[] = [
  // 400 validation_failed
  { name: 'create without a title', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks', { description: 'x' }), details: names('title') },
  { name: 'create with an unknown field', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks', { title: 'x', colour: 'red' }) },
  { name: 'the stream without a WebSocket upgrade', status: 400, code: 'validation_failed', send: (h) => h.get('/v1/stream?after=0'), details: names('Upgrade') },
  { name: 'create with priority 11', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks', { title: 'x', priority: 11 }), details: names('priority') },
  { name: 'create with a 501-character title', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks', { title: 'x'.repeat(501) }), details: names('title') },
  { name: 'create with a description over 64 KiB', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks', { title: 'x', description: 'y'.repeat(64 * 1024 + 1) }), details: names('description') },
  { name: 'create with a 129-character id', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks', { id: 'i'.repeat(129), title: 'x' }), details: names('id') },
  { name: 'create with an id outside [A-Za-z0-9._:-]', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks', { id: 'a b', title: 'x' }), details: names('id') },
  { name: 'create active without an agent', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks', { title: 'x', state: 'active' }), details: names('agentId') },
  { name: 'create depending on a missing task', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks', { title: 'x', dependsOn: ['ghost'] }), details: names('dependsOn') },
  { name: 'create under a missing parent', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks', { title: 'x', parentId: 'ghost' }), details: names('parentId') },
  { name: 'a dependency cycle', status: 400, code: 'validation_failed', send: (h) => h.patch('/v1/tasks/dep', { dependsOn: ['blocked'] }), details: names('dependsOn') },
  { name: 'a body that is not JSON', status: 400, code: 'validation_failed', send: (h) => h.request('POST', '/v1/tasks', { rawBody: '{"title": ' }) },
  { name: 'an empty patch', status: 400, code: 'validation_failed', send: (h) => h.patch('/v1/tasks/p', {}) },
  { name: 'a transition to an unknown state', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks/p/transition', { to: 'flying' }), details: names('to') },
  { name: 'assigning without an agent', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks/p/transition', { to: 'assigned' }), details: names('agentId') },
  { name: 'a task id in the path outside the pattern', status: 400, code: 'validation_failed', send: (h) => h.get('/v1/tasks/a%20b'), details: names('id') },
  { name: 'limit=0', status: 400, code: 'validation_failed', send: (h) => h.get('/v1/tasks?limit=0'), details: names('limit') },
  { name: 'limit=1001', status: 400, code: 'validation_failed', send: (h) => h.get('/v1/tasks?limit=1001'), details: names('limit') },
  { name: 'an unknown state filter', status: 400, code: 'validation_failed', send: (h) => h.get('/v1/tasks?state=pending,flying') },
  { name: 'a forged cursor', status: 400, code: 'validation_failed', send: (h) => h.get('/v1/tasks?cursor=bm9wZQ'), details: names('cursor') },
  { name: 'history since a non-date', status: 400, code: 'validation_failed', send: (h) => h.get('/v1/history?since=yesterday'), details: names('since') },
  { name: 'If-Match that is not a version', status: 400, code: 'validation_failed', send: (h) => h.patch('/v1/tasks/p', { step: 's' }, { headers: { 'if-match': 'abc' } }), details: names('If-Match') },
  { name: 'a 201-character Idempotency-Key', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks', { title: 'x' }, { idempotencyKey: 'k'.repeat(201) }), details: names('Idempotency-Key') },
  { name: 'a batch that is not an array', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/events', { op: 'create', title: 'x' }) },
  { name: 'a claim without an agent', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks/p/claim', {}), details: names('agentId') },
  { name: 'a lease below the minimum', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks/p/claim', { agentId: 'a', leaseMs: 5 }), details: names('leaseMs') },
  { name: 'a reset without a reason', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks/p/reset', { to: 'failed' }), details: names('reason') },
  { name: 'a reset to a state resets cannot reach', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/tasks/p/reset', { to: 'done', ...REASON }), details: names('to') },
  { name: 'a cleanup with a negative age', status: 400, code: 'validation_failed', send: (h) => h.post('/v1/history/cleanup', { olderThanDays: -1 }), details: names('olderThanDays') },
  // 401 unauthorized
  { name: '/metrics without a token', status: 401, code: 'unauthorized', send: (h) => h.get('/metrics', { token: null }) },
  { name: 'no token', status: 401, code: 'unauthorized', send: (h) => h.get('/v1/tasks', { token: null }) },
  { name: 'a wrong token', status: 401, code: 'unauthorized', send: (h) => h.get('/v1/tasks', { token: 'x'.repeat(43) }) },
  { name: 'a write without a token', status: 401, code: 'unauthorized', send: (h) => h.post('/v1/tasks', { title: 'x' }, { token: null }) },
  { name: 'Basic instead of Bearer', status: 401, code: 'unauthorized', send: (h) => h.get('/v1/tasks', { token: null, headers: { authorization: `Basic ${h.token}` } }) },
  // 403 forbidden
  { name: 'a foreign Host (DNS rebinding)', status: 403, code: 'forbidden', send: (h) => h.get('/v1/tasks', { headers: { host: `evil.example:${h.port}` } }) },
  { name: 'loopback Host with another port', status: 403, code: 'forbidden', send: (h) => h.get('/v1/tasks', { headers: { host: `127.0.0.1:${h.port + 1}` } }) },
  { name: 'a foreign Host on /healthz', status: 403, code: 'forbidden', send: (h) => h.get('/healthz', { token: null, headers: { host: 'evil.example' } }) },
  { name: 'an Origin header', status: 403, code: 'forbidden', send: (h) => h.post('/v1/tasks', { title: 'x' }, { headers: { origin: `http://127.0.0.1:${h.port}` } }) },
  { name: 'an Origin header on /healthz', status: 403, code: 'forbidden', send: (h) => h.get('/healthz', { token: null, headers: { origin: 'https://evil.example' } }) },
  // 404 not_found
  { name: 'an unknown route', status: 404, code: 'not_found', send: (h) => h.get('/v1/nothing-here') },
  { name: 'an unknown method on a route', status: 404, code: 'not_found', send: (h) => h.request('DELETE', '/v1/agents') },
  { name: 'GET a missing task', status: 404, code: 'not_found', send: (h) => h.get('/v1/tasks/ghost') },
  { name: 'PATCH a missing task', status: 404, code: 'not_found', send: (h) => h.patch('/v1/tasks/ghost', { step: 's' }) },
  { name: 'transition a missing task', status: 404, code: 'not_found', send: (h) => h.post('/v1/tasks/ghost/transition', { to: 'active' }) },
  { name: 'claim a missing task', status: 404, code: 'not_found', send: (h) => h.post('/v1/tasks/ghost/claim', { agentId: 'a' }) },
  { name: 'heartbeat a missing task', status: 404, code: 'not_found', send: (h) => h.post('/v1/tasks/ghost/heartbeat', { agentId: 'a', leaseToken: 'x' }) },
  { name: 'reset a missing task', status: 404, code: 'not_found', send: (h) => h.post('/v1/tasks/ghost/reset', { to: 'failed', ...REASON }) },
  { name: 'events of a missing task', status: 404, code: 'not_found', send: (h) => h.get('/v1/tasks/ghost/events') },
  { name: 'replay of a missing task', status: 404, code: 'not_found', send: (h) => h.get('/v1/tasks/ghost/replay') },
  { name: 'reset a missing agent', status: 404, code: 'not_found', send: (h) => h.post('/v1/agents/ghost/reset', { to: 'pending', ...REASON }) },
  // 409
  { name: 'create an existing id', status: 409, code: 'conflict', send: (h) => h.post('/v1/tasks', { id: 'p', title: 'again' }) },
  {
    name: 'claim a blocked task', status: 409, code: 'conflict', send: (h) => h.post('/v1/tasks/blocked/claim', { agentId: 'b' }),
    details: (d) => assert.deepEqual(d, { blockedBy: ['dep'] }),
  },
  { name: 'start a blocked task', status: 409, code: 'conflict', send: (h) => h.post('/v1/tasks/blocked/transition', { to: 'active', agentId: 'b' }) },
  { name: 'retry past maxAttempts', status: 409, code: 'conflict', send: (h) => h.post('/v1/tasks/spent/transition', { to: 'pending' }) },
  {
    name: 'PATCH with a stale If-Match', status: 409, code: 'version_conflict', send: (h) => h.patch('/v1/tasks/p', { step: 's' }, { headers: { 'if-match': '"7"' } }),
    details: (d) => assert.deepEqual(d, { expected: 7, actual: 1 }),
  },
  { name: 'transition with a stale expectVersion', status: 409, code: 'version_conflict', send: (h) => h.post('/v1/tasks/p/transition', { to: 'active', agentId: 'a', expectVersion: 3 }) },
  {
    name: 'pending -> done', status: 409, code: 'invalid_transition', send: (h) => h.post('/v1/tasks/p/transition', { to: 'done' }),
    details: (d) => assert.deepEqual(d, { from: 'pending', to: 'done', allowed: ['assigned', 'active', 'cancelled'] }),
  },
  {
    name: 'done -> active', status: 409, code: 'invalid_transition', send: (h) => h.post('/v1/tasks/finished/transition', { to: 'active' }),
    details: (d) => assert.deepEqual(d, { from: 'done', to: 'active', allowed: [] }),
  },
  {
    name: 'reset a done task', status: 409, code: 'invalid_transition', send: (h) => h.post('/v1/tasks/finished/reset', { to: 'pending', ...REASON }),
    details: (d) => assert.deepEqual(d, { from: 'done', to: 'pending', allowed: [] }),
  },
  {
    name: 'claim a task another agent holds', status: 409, code: 'already_claimed', send: (h) => h.post('/v1/tasks/claimed/claim', { agentId: 'b' }),
    details: (d) => assert.deepEqual(d, { holder: 'a' }),
  },
  { name: 'heartbeat with a wrong lease token', status: 409, code: 'not_lease_holder', send: (h) => h.post('/v1/tasks/claimed/heartbeat', { agentId: 'a', leaseToken: 'not-the-token' }) },
  { name: 'heartbeat by another agent', status: 409, code: 'not_lease_holder', send: (h) => h.post('/v1/tasks/claimed/heartbeat', { agentId: 'b', leaseToken }) },
  { name: 'another agent starting a task claimed by someone else', status: 409, code: 'not_lease_holder', send: (h) => h.post('/v1/tasks/claimed/transition', { to: 'active', agentId: 'b' }) },
  // 413, 422
  { name: 'a body over 1 MiB', status: 413, code: 'payload_too_large', send: (h) => h.post('/v1/tasks', { title: 'x', description: 'y'.repeat(1024 * 1024) }) },
  { name: 'a reused Idempotency-Key with another body', status: 422, code: 'idempotency_mismatch', send: (h) => h.post('/v1/tasks', { title: 'other' }, { idempotencyKey: 'key-1' }) },
  { name: 'a reused Idempotency-Key on another route', status: 422, code: 'idempotency_mismatch', send: (h) => h.post('/v1/tasks/p/transition', { to: 'cancelled' }, { idempotencyKey: 'key-1' }) },
];

describe('core: every error code, and a refused request changes nothing', function () {
  let d: TestDaemon;

  before(async () => {
    d = await startTestDaemon();
    const h = d.http;
    await h.ok(h.post('/v1/tasks', { id: 'p', title: 'pending task' }));
    await h.ok(h.post('/v1/tasks', { id: 'dep', title: 'dependency' }));
    await h.ok(h.post('/v1/tasks', { id: 'blocked', title: 'blocked', dependsOn: ['dep'] }));
    await h.ok(h.post('/v1/tasks', { id: 'claimed', title: 'claimed' }));
    leaseToken = (await h.ok(h.post<{ leaseToken: string }>('/v1/tasks/claimed/claim', { agentId: 'a' }))).leaseToken;
    await h.ok(h.post('/v1/tasks', { id: 'finished', title: 'finished', state: 'active', agentId: 'a' }));
    await h.ok(h.post('/v1/tasks/finished/transition', { to: 'done' }));
    await h.ok(h.post('/v1/tasks', { id: 'spent', title: 'one attempt only', maxAttempts: 1, state: 'active', agentId: 'a' }));
    await h.ok(h.post('/v1/tasks/spent/transition', { to: 'failed', error: 'boom' }));
    await h.ok(h.post('/v1/tasks', { title: 'first' }, { idempotencyKey: 'key-1' }));
    await d.daemon.tracker.store.flush();
  });
  after(async () => {
    await d?.close();
  });

  for (const c of cases) {
    it(`${c.status} ${c.code}: ${c.name}`, async () => {
      const store = d.daemon.tracker.store;
      const before = { seq: store.seq, durable: store.durableSeq, tasks: JSON.stringify([...d.daemon.tracker.state.tasks.values()]) };
      const res = await c.send(d.http);
      const error = expectError(res, c.status, c.code);
      c.details?.(error.details);
      await store.flush();
      assert.equal(store.seq, before.seq, 'a refused request logged an event');
      assert.equal(store.durableSeq, before.durable);
      assert.equal(JSON.stringify([...d.daemon.tracker.state.tasks.values()]), before.tasks, 'a refused request changed a task');
    });
  }

  it('still answers after every refusal', async () => {
    const health = await d.http.ok(d.http.get<{ ok: boolean; seq: number }>('/healthz'));
    assert.equal(health.ok, true);
    const p = await d.http.ok(d.http.get<Task>('/v1/tasks/p'));
    assert.deepEqual([p.state, p.version], ['pending', 1]);
  });
});
