import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonUnreachableError, discoverDaemon, TrackerApiError, TrackerClient } from '../../../daemon/src/client/index.js';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';

describe('client: TrackerClient against a real daemon', () => {
  const daemon = useDaemonProcess();

  describe('discovery', () => {
    it('finds the daemon from the home folder', async () => {
      const endpoint = await discoverDaemon({ home: daemon.home, env: {} });
      assert.equal(endpoint.url, daemon.url);
      assert.equal(endpoint.token, daemon.token);
    });

    it('prefers AGENT_TRACKER_URL and AGENT_TRACKER_TOKEN when no home is named', async () => {
      const env = { AGENT_TRACKER_URL: `${daemon.url}/`, AGENT_TRACKER_TOKEN: 'tok', AGENT_TRACKER_HOME: '/nonexistent' };
      assert.deepEqual(await discoverDaemon({ env }), { url: daemon.url, token: 'tok' });
    });

    it('reads AGENT_TRACKER_HOME when nothing else is given', async () => {
      const endpoint = await discoverDaemon({ env: { AGENT_TRACKER_HOME: daemon.home } });
      assert.equal(endpoint.url, daemon.url);
    });

    it('explains how to start a daemon when none runs for the home', async () => {
      const empty = mkdtempSync(join(tmpdir(), 'agent-tracker-empty-'));
      try {
        await assert.rejects(discoverDaemon({ home: empty }), (error: unknown) => {
          assert.ok(error instanceof DaemonUnreachableError);
          assert.match(error.message, /agent-tracker daemon/);
          return true;
        });
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });

    it('reports a stale daemon.json (nothing listening) as unreachable after its retries', async () => {
      const stale = mkdtempSync(join(tmpdir(), 'agent-tracker-stale-'));
      try {
        writeFileSync(join(stale, 'daemon.json'), JSON.stringify({ pid: 1, port: 9, url: 'http://127.0.0.1:9', version: 'x', startedAt: '' }));
        writeFileSync(join(stale, 'token'), 'nope');
        const dead = await TrackerClient.connect({ home: stale, retries: 1 });
        await assert.rejects(dead.health(), DaemonUnreachableError);
      } finally {
        rmSync(stale, { recursive: true, force: true });
      }
    });
  });

  describe('routes', () => {
    it('next is null (204) when no task is ready', async () => {
      // Runs first in this block: the daemon holds no tasks yet.
      assert.equal(await daemon.client.next('idle-agent'), null);
    });

    it('creates, reads, lists and transitions a task', async () => {
      const created = await daemon.client.createTask({ title: 'client: basic', priority: 7, tags: ['client-test'] });
      assert.equal(created.state, 'pending');
      assert.equal(created.priority, 7);
      assert.deepEqual(await daemon.client.getTask(created.id), created);
      const page = await daemon.client.listTasks({ tag: 'client-test' });
      assert.ok(page.items.some((t) => t.id === created.id));
      assert.equal(typeof page.total, 'number');
      const active = await daemon.client.transition(created.id, { to: 'active', agentId: 'client-agent' });
      assert.equal(active.state, 'active');
      const done = await daemon.client.transition(created.id, { to: 'done', result: { ok: true } });
      assert.equal(done.state, 'done');
      assert.deepEqual(done.result, { ok: true });
      const history = await daemon.client.history({ limit: 10 });
      assert.ok(history.items.some((t) => t.id === created.id));
    });

    it('throws a typed error carrying the contract code and details', async () => {
      const task = await daemon.client.createTask({ title: 'client: refused' });
      await assert.rejects(daemon.client.transition(task.id, { to: 'done' }), (error: unknown) => {
        assert.ok(error instanceof TrackerApiError);
        assert.equal(error.status, 409);
        assert.equal(error.code, 'invalid_transition');
        const details = error.details as { from: string; to: string; allowed: string[] };
        assert.equal(details.from, 'pending');
        assert.equal(details.to, 'done');
        assert.ok(details.allowed.includes('active'));
        return true;
      });
      await assert.rejects(daemon.client.getTask('no-such-task'), (error: unknown) => error instanceof TrackerApiError && error.code === 'not_found');
      await assert.rejects(
        daemon.client.createTask({ title: '' }),
        (error: unknown) => error instanceof TrackerApiError && error.code === 'validation_failed',
      );
    });

    it('updates with If-Match and reports a version conflict', async () => {
      const task = await daemon.client.createTask({ title: 'client: patch' });
      const patched = await daemon.client.updateTask(task.id, { description: 'more' }, { ifMatch: task.version });
      assert.equal(patched.description, 'more');
      await assert.rejects(
        daemon.client.updateTask(task.id, { description: 'stale' }, { ifMatch: task.version }),
        (error: unknown) => error instanceof TrackerApiError && error.code === 'version_conflict',
      );
    });

    it('returns the stored response for a repeated Idempotency-Key and refuses it with another body', async () => {
      const key = `client-test-${Date.now()}`;
      const first = await daemon.client.createTask({ title: 'client: idempotent' }, { idempotencyKey: key });
      const again = await daemon.client.createTask({ title: 'client: idempotent' }, { idempotencyKey: key });
      assert.equal(again.id, first.id);
      await assert.rejects(
        daemon.client.createTask({ title: 'client: something else' }, { idempotencyKey: key }),
        (error: unknown) => error instanceof TrackerApiError && error.code === 'idempotency_mismatch',
      );
    });

    it('registers agents, hands out the next task, claims and heartbeats it', async () => {
      const agent = await daemon.client.heartbeatAgent('client-worker', { name: 'Worker', capabilities: ['client-kind'] });
      assert.equal(agent.id, 'client-worker');
      assert.ok((await daemon.client.listAgents()).items.some((a) => a.id === 'client-worker'));
      const task = await daemon.client.createTask({ title: 'client: next', type: 'client-kind', priority: 10 });
      const next = await daemon.client.next('client-worker', { claim: true, leaseMs: 5000 });
      assert.ok(next, 'a task is ready');
      assert.equal(next.task.id, task.id);
      assert.ok(next.leaseToken);
      assert.equal(next.task.state, 'assigned', 'a claim assigns the task; its holder starts it');
      assert.equal(next.task.lease?.agentId, 'client-worker');
      const beat = await daemon.client.heartbeatTask(task.id, { agentId: 'client-worker', leaseToken: next.leaseToken });
      assert.ok(Date.parse(beat.leaseExpiresAt) > Date.now());
      assert.notEqual((await daemon.client.next('client-worker'))?.task.id, task.id, 'a claimed task is not handed out again');
      const reset = await daemon.client.resetAgent('client-worker', { to: 'pending', reason: 'test' });
      assert.ok(reset.tasks.some((t) => t.id === task.id));
      await assert.rejects(
        daemon.client.heartbeatTask(task.id, { agentId: 'client-worker', leaseToken: next.leaseToken }),
        (error: unknown) => error instanceof TrackerApiError && error.code === 'not_lease_holder',
      );
    });

    it('makes a task created under parentTaskId (AGENT_TRACKER_TASK_ID) its child unless told otherwise', async () => {
      const parent = await daemon.client.createTask({ title: 'client: parent' });
      const nested = await TrackerClient.connect({ home: daemon.home, env: { AGENT_TRACKER_TASK_ID: parent.id } });
      assert.equal((await nested.createTask({ title: 'client: child' })).parentId, parent.id);
      assert.equal((await nested.createTask({ title: 'client: top', parentId: null })).parentId, null);
      const handle = await nested.startTask({ title: 'client: tracked child', agentId: 'nested-agent' });
      handle.stop();
      assert.equal(handle.task.parentId, parent.id);
      const [line] = (await nested.ingest([{ op: 'create', taskId: 'client-batch-child', title: 'client: batch child' }])).results;
      assert.equal(line?.ok, true, JSON.stringify(line));
      assert.equal((await nested.getTask('client-batch-child')).parentId, parent.id);
    });

    it('reads events, replay, active, stats, metrics and ingests a batch', async () => {
      const task = await daemon.client.createTask({ title: 'client: feeds' });
      const batch = await daemon.client.ingest([
        { op: 'transition', taskId: task.id, to: 'active', agentId: 'feeder' },
        { op: 'progress', taskId: task.id, progress: 50, step: 'half' },
        { op: 'log', taskId: task.id, message: 'hello' },
      ]);
      assert.equal(batch.results.length, 3);
      assert.ok(batch.results.every((r) => !r.error), JSON.stringify(batch.results));
      const events = await daemon.client.taskEvents(task.id);
      assert.deepEqual(
        events.items.map((e) => e.type),
        ['task.created', 'task.transitioned', 'task.progress', 'task.log'],
      );
      const replay = await daemon.client.replay(task.id);
      assert.equal(replay.consistent, true);
      assert.equal(replay.steps.length, 4);
      assert.ok((await daemon.client.active()).items.some((t) => t.id === task.id));
      const feed = await daemon.client.events({ after: 0, limit: 5 });
      assert.equal(feed.items[0]?.seq, 1);
      assert.equal(typeof (await daemon.client.stats()), 'object');
      assert.match(await daemon.client.metrics(), /# (HELP|TYPE)/);
      assert.equal((await daemon.client.health()).ok, true);
      const cleaned = await daemon.client.cleanupHistory({ olderThanDays: 365 });
      assert.equal(typeof cleaned.removed, 'number');
      const stuck = await daemon.client.resetStuck({ to: 'pending', reason: 'none stuck' });
      assert.ok(Array.isArray(stuck.tasks));
    });
  });
});
