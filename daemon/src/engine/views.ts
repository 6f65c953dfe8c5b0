/** What the API shows of stored records: the derived fields, computed on read from the rest of the registry. */
import { ACTIVE_STATES, computeMetrics, type Agent, type Task } from '../protocol/index.js';
import type { TrackerState } from '../store/state.js';

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
    // Tasks recorded before these fields existed have neither.
    needsInput: task.needsInput ?? null,
    usage: task.usage ?? null,
    blocked: blockers(state, task).length > 0,
    blocks: [...(state.dependents.get(task.id) ?? [])],
    metrics: computeMetrics(task),
  };
}

/**
 * What each agent's current work makes it, in one pass over the active tasks: busy while it holds assigned or active
 * work, online while its work waits on others (paused, review). Agents not in the map have nothing: idle.
 */
export function agentWork(state: TrackerState): Map<string, 'busy' | 'online'> {
  const work = new Map<string, 'busy' | 'online'>();
  for (const task of state.tasksIn(ACTIVE_STATES)) {
    if (!task.agentId) continue;
    if (task.state === 'active' || task.state === 'assigned') work.set(task.agentId, 'busy');
    else if (!work.has(task.agentId)) work.set(task.agentId, 'online');
  }
  return work;
}

/** An agent with its derived status: offline once timed out, else from its work. Pass `work` when listing many. */
export function presentAgent(state: TrackerState, agent: Agent, work = agentWork(state)): Agent {
  return {
    ...agent,
    status: agent.status === 'offline' ? 'offline' : (work.get(agent.id) ?? 'idle'),
    usage: agent.usage ?? null,
  };
}
