/**
 * Stuck detection's rule: what every piece of running work is, compared against its lease, its `expiresAt` and its
 * agent's last heartbeat, and the events that record what changed: `agent.offline`, `task.stuck`, and `task.unstuck`
 * once the cause is gone (a heartbeat renewed the lease, the agent came back). Each is emitted once, as a transition
 * of the flag.
 */
import type { Task, TaskStuck } from '../protocol/index.js';
import type { TrackerState } from '../store/state.js';
import type { EventDraft } from '../store/store.js';

export function stuckReason(state: TrackerState, task: Task, now: number): TaskStuck['reason'] | null {
  if (task.state !== 'active' && task.state !== 'assigned') return null;
  if (task.agentId && state.agents.get(task.agentId)?.status === 'offline') {
    // Why the agent went offline was decided when it did: a process that exited stays the reason.
    return task.stuck?.reason === 'process_exited' ? 'process_exited' : 'agent_offline';
  }
  if (task.lease && Date.parse(task.lease.expiresAt) <= now) return 'lease_expired';
  if (task.state !== 'active') return null;
  if (task.expiresAt && Date.parse(task.expiresAt) <= now) return 'expired';
  return null;
}

/** `processRuns`: agents whose process is seen running need no heartbeat (process liveness watches them instead). */
export function stuckDrafts(
  state: TrackerState,
  now: number,
  agentTimeoutMs: number,
  processRuns: (agentId: string) => boolean = () => false,
): EventDraft[] {
  const at = new Date(now).toISOString();
  const drafts: EventDraft[] = [];
  const offlineBefore = now - agentTimeoutMs;
  for (const agent of state.agents.values()) {
    if (agent.status !== 'offline' && Date.parse(agent.lastSeenAt) <= offlineBefore && !processRuns(agent.id)) {
      drafts.push({ type: 'agent.offline', agentId: agent.id, actor: 'daemon', data: { lastSeenAt: agent.lastSeenAt } });
    }
  }
  // Agents going offline now must count for their tasks in this same pass.
  const goingOffline = new Set(drafts.map((d) => d.agentId));
  for (const task of state.tasks.inStates(['assigned', 'active'])) {
    const reason = task.agentId && goingOffline.has(task.agentId) && (task.state === 'active' || task.state === 'assigned')
      ? 'agent_offline'
      : stuckReason(state, task, now);
    if (reason && task.stuck?.reason !== reason) {
      drafts.push({ type: 'task.stuck', taskId: task.id, agentId: task.agentId ?? undefined, actor: 'daemon', data: { since: at, reason } });
    } else if (!reason && task.stuck) {
      drafts.push({ type: 'task.unstuck', taskId: task.id, agentId: task.agentId ?? undefined, actor: 'daemon', data: { was: task.stuck.reason } });
    }
  }
  return drafts;
}
