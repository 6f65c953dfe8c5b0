/** What the API shows of stored records: the derived fields, computed on read from the rest of the registry. */
import { ACTIVE_STATES, computeMetrics, type Agent, type AgentStatusValue, type Task } from '../protocol/index.js';
import type { TrackerState } from './state.js';

/** The dependencies of a task that are not yet in their expected state. A removed dependency no longer blocks. */
export function blockers(state: TrackerState, task: Task): string[] {
  const out: string[] = [];
  for (const dep of task.dependsOn) {
    const other = state.tasks.get(dep.taskId);
    if (other && other.state !== dep.state) out.push(dep.taskId);
  }
  return out;
}

export function presentTask(state: TrackerState, task: Task): Task {
  return {
    ...task,
    blocked: blockers(state, task).length > 0,
    blocks: [...(state.dependents.get(task.id) ?? [])],
    metrics: computeMetrics(task),
  };
}

/**
 * offline once timed out; otherwise busy while it holds assigned or active work, online while its work waits on
 * others (paused, review), idle when it has nothing.
 */
export function agentStatus(state: TrackerState, agent: Agent): AgentStatusValue {
  if (agent.status === 'offline') return 'offline';
  let waiting = false;
  for (const task of state.tasksIn(ACTIVE_STATES)) {
    if (task.agentId !== agent.id) continue;
    if (task.state === 'active' || task.state === 'assigned') return 'busy';
    if (task.state === 'paused' || task.state === 'review') waiting = true;
  }
  return waiting ? 'online' : 'idle';
}

export function presentAgent(state: TrackerState, agent: Agent): Agent {
  return { ...agent, status: agentStatus(state, agent) };
}
