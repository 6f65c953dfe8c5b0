/** What the API shows of stored records: the derived fields, computed on read from the rest of the registry. */
import { ACTIVE_STATES, addWork, agentStatus, computeMetrics, openDependencies, type Agent, type Task, type WorkStatus } from '../protocol/index.js';
import type { TrackerState } from '../store/state.js';

/** The dependencies of a task that are not yet in their expected state. A removed dependency no longer blocks. */
export function blockers(state: TrackerState, task: Task): string[] {
  return openDependencies(task, (id) => state.tasks.get(id));
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

/** What each agent's current work makes it, in one pass over the active tasks. Agents not in the map have none: idle. */
export function agentWork(state: TrackerState): Map<string, WorkStatus> {
  const work = new Map<string, WorkStatus>();
  for (const task of state.tasks.inStates(ACTIVE_STATES)) {
    if (task.agentId) work.set(task.agentId, addWork(work.get(task.agentId) ?? 'idle', task.state));
  }
  return work;
}

/** An agent with its derived status: offline once timed out, else from its work. Pass `work` when listing many. */
export function presentAgent(state: TrackerState, agent: Agent, work = agentWork(state)): Agent {
  return {
    ...agent,
    status: agentStatus(agent.status, work.get(agent.id) ?? 'idle'),
    usage: agent.usage ?? null,
  };
}
