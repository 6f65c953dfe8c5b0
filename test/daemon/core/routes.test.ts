/**
 * Every route of the contract, in the order a user meets them, against a real daemon: status and the shape of the
 * answer. The error paths of each route are in errors.test.ts.
 */
import { strict as assert } from 'node:assert';
import type { Agent, Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import type { HttpResponse } from '../support/http.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

interface RouteCase {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: unknown;
  status: number;
  /** No Authorization header (only /healthz may be called so). */
  anonymous?: boolean;
  /** The answer's media type, when it is not JSON. */
  contentType?: RegExp;
  check?: (res: HttpResponse<never>) => void;
}

const REASON = 'operator reset from the route table';
let lease = '';

const cases: RouteCase[] = [
  {
    method: 'GET', path: '/healthz', status: 200, anonymous: true,
    check: ({ body }) => {
      const health = body as { ok: boolean; version: string; seq: number; store: { kind: string; ok: boolean } };
      assert.equal(health.ok, true);
      // The suite also runs on PostgreSQL (AGENT_TRACKER_TEST_STORE=postgres), whose health names its role.
      const kind = process.env.AGENT_TRACKER_TEST_STORE === 'postgres' ? 'postgres' : 'file';
      assert.deepEqual({ kind: health.store.kind, ok: health.store.ok }, { kind, ok: true });
      assert.equal(typeof health.version, 'string');
      assert.equal(health.seq, 0);
    },
  },
  {
    method: 'POST', path: '/v1/agents/worker/heartbeat', body: { name: 'Worker', capabilities: ['build'], meta: { pid: 42 } }, status: 200,
    check: ({ body }) => {
      const agent = body as Agent;
      assert.deepEqual([agent.id, agent.name, agent.capabilities, agent.meta.pid], ['worker', 'Worker', ['build'], 42]);
      assert.equal(agent.status, 'idle');
    },
  },
  {
    method: 'POST', path: '/v1/tasks', status: 201,
    body: { id: 't1', title: 'Build', type: 'build', tags: ['ci'], requestId: 'req-1', priority: 7 },
    check: ({ body }) => {
      const task = body as Task;
      assert.deepEqual([task.id, task.state, task.version, task.priority, task.jobType], ['t1', 'pending', 1, 7, 'api']);
      assert.deepEqual([task.blocked, task.blocks, task.stuck, task.lease], [false, [], null, null]);
    },
  },
  {
    method: 'GET', path: '/v1/tasks', status: 200,
    check: ({ body }) => {
      const page = body as { items: Task[]; nextCursor: string | null; total: number };
      assert.deepEqual(page.items.map((t) => t.id), ['t1']);
      assert.deepEqual([page.total, page.nextCursor], [1, null]);
    },
  },
  {
    method: 'GET', path: '/v1/tasks/t1', status: 200,
    check: ({ body, headers }) => {
      assert.equal((body as Task).title, 'Build');
      assert.equal(headers.etag, '"1"');
    },
  },
  {
    method: 'PATCH', path: '/v1/tasks/t1', body: { description: 'compile everything' }, status: 200,
    check: ({ body }) => assert.deepEqual([(body as Task).description, (body as Task).version], ['compile everything', 2]),
  },
  {
    method: 'POST', path: '/v1/agents/worker/next', body: {}, status: 200,
    check: ({ body }) => {
      const next = body as { task: Task; leaseToken?: string };
      assert.equal(next.task.id, 't1');
      assert.equal(next.leaseToken, undefined);
      assert.equal(next.task.state, 'pending', 'next without claim only proposes');
    },
  },
  {
    method: 'POST', path: '/v1/tasks/t1/claim', body: { agentId: 'worker', leaseMs: 30_000 }, status: 200,
    check: ({ body }) => {
      const claim = body as { task: Task; leaseToken: string };
      assert.deepEqual([claim.task.state, claim.task.agentId, claim.task.attempts], ['assigned', 'worker', 0]);
      assert.equal(claim.task.lease?.agentId, 'worker');
      assert.equal(claim.task.assignedAt, claim.task.updatedAt);
      assert.ok(claim.leaseToken.length >= 16);
      lease = claim.leaseToken;
    },
  },
  {
    method: 'POST', path: '/v1/tasks/t1/transition', body: { to: 'active', agentId: 'worker' }, status: 200,
    check: ({ body }) => {
      const task = body as Task;
      assert.deepEqual([task.state, task.attempts, task.lease?.agentId], ['active', 1, 'worker'], 'the holder starts it under its lease');
    },
  },
  {
    method: 'POST', path: '/v1/tasks/t1/heartbeat', status: 200,
    get body() {
      return { agentId: 'worker', leaseToken: lease, progress: 50, step: 'linking' };
    },
    check: ({ body }) => {
      const beat = body as { leaseExpiresAt: string; state: string };
      assert.equal(beat.state, 'active');
      assert.ok(Date.parse(beat.leaseExpiresAt) > Date.now() + 20_000, 'renewed for the claim lease (30 s)');
    },
  },
  {
    method: 'POST', path: '/v1/tasks/t1/transition', body: { to: 'done', agentId: 'worker', result: { ok: true } }, status: 200,
    check: ({ body }) => {
      const task = body as Task;
      assert.deepEqual([task.state, task.progress, task.result, task.lease], ['done', 100, { ok: true }, null]);
      assert.equal(typeof task.metrics.cycleMs, 'number');
    },
  },
  {
    method: 'GET', path: '/v1/tasks/t1/events', status: 200,
    check: ({ body }) => {
      const { items } = body as { items: TrackerEvent[] };
      assert.deepEqual(items.map((e) => e.type), ['task.created', 'task.updated', 'task.claimed', 'task.transitioned', 'task.progress', 'task.transitioned']);
    },
  },
  {
    method: 'GET', path: '/v1/tasks/t1/replay', status: 200,
    check: ({ body }) => {
      const replay = body as { steps: { event: TrackerEvent; state: Task | null }[]; consistent: boolean; diff?: unknown };
      assert.equal(replay.consistent, true);
      assert.equal(replay.diff, undefined);
      assert.deepEqual(replay.steps.map((s) => s.state?.state), ['pending', 'pending', 'assigned', 'active', 'active', 'done']);
    },
  },
  {
    method: 'GET', path: '/v1/history', status: 200,
    check: ({ body }) => assert.deepEqual((body as { items: Task[]; total: number }).items.map((t) => t.id), ['t1']),
  },
  { method: 'POST', path: '/v1/tasks', body: { id: 't2', title: 'Deploy', state: 'backlog' }, status: 201 },
  {
    method: 'POST', path: '/v1/tasks/t2/reset', body: { to: 'cancelled', reason: REASON }, status: 200,
    check: ({ body }) => assert.equal((body as Task).state, 'cancelled'),
  },
  {
    method: 'GET', path: '/v1/active', status: 200,
    check: ({ body }) => assert.deepEqual((body as { items: Task[] }).items, []),
  },
  {
    method: 'POST', path: '/v1/stuck/reset', body: { to: 'pending', reason: REASON }, status: 200,
    check: ({ body }) => assert.deepEqual(body, { tasks: [] }),
  },
  {
    method: 'GET', path: '/v1/agents', status: 200,
    check: ({ body }) => assert.deepEqual((body as { items: Agent[] }).items.map((a) => a.id), ['worker']),
  },
  {
    method: 'POST', path: '/v1/agents/worker/reset', body: { to: 'pending', reason: REASON }, status: 200,
    check: ({ body }) => {
      const reset = body as { agent: Agent; tasks: Task[] };
      assert.deepEqual([reset.agent.id, reset.tasks], ['worker', []]);
    },
  },
  {
    method: 'POST', path: '/v1/agents/worker/next', body: { claim: true }, status: 204,
    check: ({ text }) => assert.equal(text, ''),
  },
  {
    method: 'POST', path: '/v1/events', status: 200,
    body: [
      { op: 'create', taskId: 't3', title: 'From a batch' },
      { op: 'log', taskId: 't3', message: 'hello' },
      { op: 'progress', taskId: 't3', progress: 10 },
    ],
    check: ({ body }) => {
      const { results } = body as { results: { ok: boolean; op: string; taskId?: string; seq: number }[] };
      assert.deepEqual(results.map((r) => [r.ok, r.op, r.taskId]), [[true, 'create', 't3'], [true, 'log', 't3'], [true, 'progress', 't3']]);
      assert.ok(results[0]!.seq < results[1]!.seq && results[1]!.seq < results[2]!.seq);
    },
  },
  {
    method: 'GET', path: '/v1/events?after=0&limit=1000', status: 200,
    check: ({ body }) => {
      const { items } = body as { items: TrackerEvent[] };
      assert.deepEqual(items.map((e) => e.seq), items.map((_, i) => i + 1));
      assert.ok(items.length >= 10);
    },
  },
  {
    method: 'GET', path: '/v1/stats', status: 200,
    check: ({ body }) => {
      const stats = body as { tasks: { total: number; byState: Record<string, number> }; successRate: number | null };
      assert.equal(stats.tasks.total, 3);
      assert.deepEqual(stats.tasks.byState, { done: 1, cancelled: 1, pending: 1 });
      assert.equal(stats.successRate, 1);
    },
  },
  {
    method: 'POST', path: '/v1/history/cleanup', body: { olderThanDays: 0 }, status: 200,
    check: ({ body }) => assert.equal((body as { removed: number }).removed, 2, 'the done and the cancelled task'),
  },
  {
    method: 'GET', path: '/v1/history', status: 200,
    check: ({ body }) => assert.deepEqual(body, { items: [], total: 0 }),
  },
  {
    method: 'GET', path: '/metrics', status: 200, contentType: /^text\/plain/,
    check: ({ text }) => assert.match(text, /^# HELP /m),
  },
  {
    method: 'GET', path: '/v1/openapi.json', status: 200,
    check: ({ body }) => assert.match((body as { openapi: string }).openapi, /^3\.1/),
  },
];

describe('core: every route of the contract', function () {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.close();
  });

  for (const c of cases) {
    it(`${c.method} ${c.path} -> ${c.status}`, async () => {
      const res = await d.http.request<never>(c.method, c.path, { body: c.body, token: c.anonymous ? null : undefined });
      assert.equal(res.status, c.status, res.text);
      if (res.status !== 204) assert.match(String(res.headers['content-type']), c.contentType ?? /^application\/json/);
      assert.equal(res.headers['access-control-allow-origin'], undefined, 'no CORS headers');
      c.check?.(res);
    });
  }
});
