/**
 * The fields computed from stored records rather than stored: one rule each, read by the daemon when it presents a
 * record and by the extension when it shows the state between two reads.
 */
import type { AgentStatusValue, Task, TaskMetrics } from './schemas.js';
import { isFinished, type TaskState } from './states.js';

/** created -> started, started -> completed, created -> completed; null until each end is known. */
export function computeMetrics(task: Pick<Task, 'createdAt' | 'startedAt' | 'completedAt' | 'state'>): TaskMetrics {
  const created = Date.parse(task.createdAt);
  const started = task.startedAt ? Date.parse(task.startedAt) : null;
  const completed = task.completedAt && isFinished(task.state) ? Date.parse(task.completedAt) : null;
  return {
    waitMs: started === null ? null : Math.max(0, started - created),
    workMs: started === null || completed === null ? null : Math.max(0, completed - started),
    cycleMs: completed === null ? null : Math.max(0, completed - created),
  };
}

/**
 * The dependencies of a task that are not yet in their expected state. A dependency `find` does not know is open only
 * when `unknownIsOpen` says so: the daemon knows every task, so one it lacks was removed and no longer blocks; a
 * viewer holding part of the registry falls back to what the daemon last said (`task.blocked`).
 */
export function openDependencies(
  task: Pick<Task, 'dependsOn'>,
  find: (id: string) => Pick<Task, 'state'> | undefined,
  unknownIsOpen = false,
): string[] {
  const open: string[] = [];
  for (const dep of task.dependsOn) {
    const other = find(dep.taskId);
    if (other ? other.state !== dep.state : unknownIsOpen) open.push(dep.taskId);
  }
  return open;
}

/** What an agent's open work makes it: busy while it holds assigned or active work, online while that work waits on
 * others (paused, review), idle with none. */
export type WorkStatus = Exclude<AgentStatusValue, 'offline'>;

const WORK_RANK: Record<WorkStatus, number> = { idle: 0, online: 1, busy: 2 };

/** The agent's status with one more of its tasks counted. */
export function addWork(status: WorkStatus, state: TaskState): WorkStatus {
  const work: WorkStatus = state === 'active' || state === 'assigned' ? 'busy' : state === 'paused' || state === 'review' ? 'online' : 'idle';
  return WORK_RANK[work] > WORK_RANK[status] ? work : status;
}

/** An agent the daemon timed out stays offline whatever it holds. */
export function agentStatus(stored: AgentStatusValue, work: WorkStatus): AgentStatusValue {
  return stored === 'offline' ? 'offline' : work;
}
