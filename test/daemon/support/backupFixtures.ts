/**
 * What backup tests put into a registry before they back it up: tasks in several states (a claim with a renewed lease,
 * a dependency, a failure, a child task), agents, an idempotent create, and helpers that compare two daemons' views.
 */
import { strict as assert } from 'node:assert';
import type { Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import type { BackupImage } from '../../../daemon/src/store/backup.js';
import type { HttpClient } from './http.js';
import { assertReplayConsistent } from './replayLaw.js';

export const SEED_IDEMPOTENCY_KEY = 'backup-seed-create';
export const SEED_IDEMPOTENT_BODY = { id: 'seed-idempotent', title: 'created once' };

/** Fills a registry through the API; returns the ids of the tasks it made. */
export async function seedRegistry(http: HttpClient): Promise<string[]> {
  const ids: string[] = [];
  const create = async (body: Record<string, unknown>) => {
    const task = await http.ok(http.post<Task>('/v1/tasks', body));
    ids.push(task.id);
    return task;
  };
  await http.ok(http.post('/v1/agents/seed-agent/heartbeat', { name: 'Seed agent', capabilities: ['build'], meta: { host: 'laptop' } }));
  const parent = await create({ id: 'seed-parent', title: 'parent', priority: 7, tags: ['seed'] });
  await create({ id: 'seed-child', title: 'child', parentId: parent.id, type: 'build' });
  await create({ id: 'seed-after', title: 'waits for the child', dependsOn: ['seed-child'] });
  const claimed = await http.ok(http.post<{ task: Task; leaseToken: string }>('/v1/tasks/seed-child/claim', { agentId: 'seed-agent', leaseMs: 600_000 }));
  // A claim leaves the task assigned (claimed = assigned) where the daemon follows the seeds, active where it did not.
  if (claimed.task.state === 'assigned') await http.ok(http.post('/v1/tasks/seed-child/transition', { to: 'active', agentId: 'seed-agent' }));
  // A renewed lease and a progress report: the renewal has no event, so only the backup's task carries it.
  await http.ok(http.post('/v1/tasks/seed-child/heartbeat', { agentId: 'seed-agent', leaseToken: claimed.leaseToken, progress: 40, step: 'compiling' }));
  await create({ id: 'seed-failed', title: 'fails', state: 'active', agentId: 'seed-agent' });
  await http.ok(http.post('/v1/tasks/seed-failed/transition', { to: 'failed', error: 'boom', agentId: 'seed-agent' }));
  await create({ id: 'seed-done', title: 'done', state: 'active', agentId: 'seed-agent' });
  await http.ok(http.post('/v1/tasks/seed-done/transition', { to: 'done', result: { ok: true }, agentId: 'seed-agent' }));
  await http.ok(http.patch('/v1/tasks/seed-parent', { description: 'edited', itemsProcessed: 3 }));
  const once = await http.post<Task>('/v1/tasks', SEED_IDEMPOTENT_BODY, { idempotencyKey: SEED_IDEMPOTENCY_KEY });
  assert.equal(once.status, 201, once.text);
  ids.push(once.body.id);
  return ids;
}

export async function allEvents(http: HttpClient): Promise<TrackerEvent[]> {
  const events: TrackerEvent[] = [];
  for (;;) {
    const page = await http.ok(http.get<{ items: TrackerEvent[] }>(`/v1/events?after=${events.at(-1)?.seq ?? 0}&limit=1000`));
    if (page.items.length === 0) return events;
    events.push(...page.items);
  }
}

export async function allTasks(http: HttpClient): Promise<Task[]> {
  const tasks: Task[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: { items: Task[]; nextCursor: string | null } = await http.ok(http.get(`/v1/tasks?limit=1000${query}`));
    tasks.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return tasks;
}

/**
 * A daemon serving a restored registry shows exactly the backup: the same seq, the same feed, every task as it was
 * (leases included), the replay law on each, and the idempotency records still answering.
 */
export async function assertServesBackup(http: HttpClient, image: BackupImage): Promise<void> {
  const health = await http.ok(http.get<{ seq: number }>('/healthz'));
  assert.equal(health.seq, image.seq, 'the restored daemon is at the backup\'s seq');
  assert.deepEqual(await allEvents(http), image.events, 'the feed is the backup\'s events');
  const tasks = new Map((await allTasks(http)).map((task) => [task.id, task]));
  assert.equal(tasks.size, image.tasks.length, 'as many tasks as the backup holds');
  for (const stored of image.tasks) {
    const served = tasks.get(stored.id);
    assert.ok(served, `task ${stored.id} is restored`);
    for (const field of ['state', 'version', 'title', 'agentId', 'lease', 'progress', 'step', 'updatedAt', 'attempts', 'lastError'] as const) {
      assert.deepEqual(served[field], stored[field], `${stored.id}.${field}`);
    }
    await assertReplayConsistent(http, stored.id);
  }
  const agents = (await http.ok(http.get<{ items: { id: string; meta: unknown }[] }>('/v1/agents'))).items;
  assert.deepEqual(agents.map((a) => a.id).sort(), image.agents.map((a) => a.id).sort());
  if (image.idempotency.some((record) => record.key === `key:${SEED_IDEMPOTENCY_KEY}`)) {
    const again = await http.post<Task>('/v1/tasks', SEED_IDEMPOTENT_BODY, { idempotencyKey: SEED_IDEMPOTENCY_KEY });
    assert.equal(again.status, 201, again.text);
    assert.equal(again.headers['idempotent-replayed'], 'true', 'the stored response is replayed');
    const other = await http.post('/v1/tasks', { ...SEED_IDEMPOTENT_BODY, title: 'another' }, { idempotencyKey: SEED_IDEMPOTENCY_KEY });
    assert.equal(other.status, 422, other.text);
  }
}

/** Events numbered 1..seq without a gap (a registry no retention ran on). */
export function assertGapFree(events: readonly TrackerEvent[], seq: number): void {
  assert.deepEqual(events.map((e) => e.seq), Array.from({ length: seq }, (_, i) => i + 1));
}
