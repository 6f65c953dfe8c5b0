/**
 * Stuck detection. Four times a second it compares every piece of running work against its lease, its `expiresAt` and
 * its agent's last heartbeat, and records what changed: `agent.offline`, `task.stuck`, and `task.unstuck` once the
 * cause is gone (a heartbeat renewed the lease, the agent came back). Each is emitted once, as a transition of the flag.
 * Run at start too, so that time the daemon spent down counts.
 */
import type { Task, TaskStuck } from '../protocol/index.js';
import type { Logger } from '../logger.js';
import type { EventDraft } from '../store/store.js';
import type { TrackerState } from './state.js';
import type { Tracker } from './tracker.js';

export const SWEEP_INTERVAL_MS = 250;

export function stuckReason(state: TrackerState, task: Task, now: number): TaskStuck['reason'] | null {
  if (task.state !== 'active' && task.state !== 'assigned') return null;
  if (task.agentId && state.agents.get(task.agentId)?.status === 'offline') return 'agent_offline';
  if (task.lease && Date.parse(task.lease.expiresAt) <= now) return 'lease_expired';
  if (task.state !== 'active') return null;
  if (task.expiresAt && Date.parse(task.expiresAt) <= now) return 'expired';
  return null;
}

/** One pass; returns the drafts it committed (for tests). */
export function sweep(tracker: Tracker): EventDraft[] {
  const state = tracker.state;
  const now = tracker.clock.now();
  const at = new Date(now).toISOString();
  const drafts: EventDraft[] = [];
  const offlineBefore = now - tracker.settings.agentTimeoutMs;
  for (const agent of state.agents.values()) {
    if (agent.status !== 'offline' && Date.parse(agent.lastSeenAt) <= offlineBefore) {
      drafts.push({ type: 'agent.offline', agentId: agent.id, actor: 'daemon', data: { lastSeenAt: agent.lastSeenAt } });
    }
  }
  // Agents going offline now must count for their tasks in this same pass.
  const goingOffline = new Set(drafts.map((d) => d.agentId));
  for (const task of state.tasksIn(['assigned', 'active'])) {
    const reason = task.agentId && goingOffline.has(task.agentId) && (task.state === 'active' || task.state === 'assigned')
      ? 'agent_offline'
      : stuckReason(state, task, now);
    if (reason && task.stuck?.reason !== reason) {
      drafts.push({ type: 'task.stuck', taskId: task.id, agentId: task.agentId ?? undefined, actor: 'daemon', data: { since: at, reason } });
    } else if (!reason && task.stuck) {
      drafts.push({ type: 'task.unstuck', taskId: task.id, agentId: task.agentId ?? undefined, actor: 'daemon', data: { was: task.stuck.reason } });
    }
  }
  if (drafts.length > 0) tracker.store.commit(drafts);
  return drafts;
}

export class Sweeper {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tracker: Tracker,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.runOnce();
    this.timer = setInterval(() => this.runOnce(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  private runOnce(): void {
    try {
      sweep(this.tracker);
    } catch (error) {
      // A storage failure is reported by the store; the next pass tries again.
      this.log.warn(`stuck detection skipped a pass: ${(error as Error).message}`);
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
