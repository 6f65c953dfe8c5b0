/** A daemon seeded with one of everything the views show: agents, active, stuck, blocked, failed, finished, subtasks. */
import { pollUntil } from '../../../support/poll.js';
import type { TestDaemon } from './testDaemon.js';

export const SEED = {
  agentBusy: 'agent-busy',
  agentIdle: 'agent-idle',
  active: 'seed-active',
  subtask: 'seed-active-sub',
  stuck: 'seed-stuck',
  blocker: 'seed-blocker',
  blocked: 'seed-blocked',
  failed: 'seed-failed',
  done: 'seed-done',
  cancelled: 'seed-cancelled',
  backlog: 'seed-backlog',
  paused: 'seed-paused',
} as const;

export async function seedDaemon(daemon: TestDaemon): Promise<void> {
  await daemon.heartbeat(SEED.agentBusy, 'Busy Agent');
  await daemon.heartbeat(SEED.agentIdle, 'Idle Agent');
  await daemon.createTask({ id: SEED.active, title: 'Build the parser', state: 'active', agentId: SEED.agentBusy, tags: ['parser'] });
  await daemon.ok(await daemon.post('/v1/events', [{ op: 'progress', taskId: SEED.active, progress: 40, step: 'compiling' }]), 'progress');
  await daemon.createTask({ id: SEED.subtask, title: 'Parser unit tests', parentId: SEED.active });
  await daemon.createTask({ id: SEED.blocker, title: 'Design the grammar', state: 'active', agentId: SEED.agentBusy });
  await daemon.createTask({ id: SEED.blocked, title: 'Write the docs', dependsOn: [SEED.blocker] });
  await daemon.createTask({ id: SEED.failed, title: 'Deploy preview', state: 'active', agentId: SEED.agentBusy });
  await daemon.transition(SEED.failed, 'failed', { error: 'exit code 2' });
  await daemon.createTask({ id: SEED.done, title: 'Set up CI', state: 'active', agentId: SEED.agentIdle });
  await daemon.transition(SEED.done, 'done');
  await daemon.createTask({ id: SEED.cancelled, title: 'Old experiment' });
  await daemon.transition(SEED.cancelled, 'cancelled');
  await daemon.createTask({ id: SEED.backlog, title: 'Someday: rewrite in Rust', state: 'backlog' });
  await daemon.createTask({ id: SEED.paused, title: 'Migrate database', state: 'active', agentId: SEED.agentIdle });
  await daemon.transition(SEED.paused, 'paused');
  await makeStuck(daemon, SEED.stuck, 'Flaky integration run');
}

/** A task claimed with the shortest lease, started, and never renewed: the daemon flags it stuck (lease_expired). */
export async function makeStuck(daemon: TestDaemon, id: string, title: string): Promise<void> {
  await daemon.createTask({ id, title });
  daemon.ok(await daemon.post(`/v1/tasks/${id}/claim`, { agentId: SEED.agentBusy, leaseMs: 1000 }), 'claim');
  // A claim leaves the task assigned; its holder starts it under the same lease.
  await daemon.transition(id, 'active', { agentId: SEED.agentBusy });
  await pollUntil(`${id} to be flagged stuck`, async () => (await daemon.task(id)).stuck || undefined, 10_000, 100);
}
