/**
 * The pure event reducer: folding a task's events in seq order reproduces the stored task. The daemon applies every
 * event through these functions (so the replay law holds by construction) and the extension uses them to show the
 * state after any event of a replay.
 *
 * Events and tasks are immutable values: every fold returns a new task object and never writes into the previous one
 * or into an event, so the parts they share (an event's data, a nested object) are shared rather than copied.
 */
import type {
  AgentRegisteredData,
  AgentUpdatedData,
  ErrorData,
  TaskCheckpointData,
  TaskClaimedData,
  TaskCreatedData,
  TaskProgressData,
  TaskResetData,
  TaskStuckData,
  TaskTransitionedData,
  TaskUpdatedData,
  UsageData,
} from './eventData.js';
import { MAX_TASK_ERRORS } from './limits.js';
import type { Agent, ErrorInfo, Task, TrackerEvent } from './schemas.js';
import { isFinished, type TaskState } from './states.js';
import { addUsage } from './usage.js';

/** States from which entering `active` is a new start (an attempt), rather than a resume. */
const STARTING_FROM: readonly TaskState[] = ['backlog', 'pending', 'assigned', 'failed'];

/** Folds one event into a task; returns the task unchanged for events of other tasks or of agents. */
export function reduceTask(task: Task | undefined, event: TrackerEvent): Task | undefined {
  if (event.type === 'task.created') {
    return (event.data as unknown as TaskCreatedData).task;
  }
  if (!task || event.taskId !== task.id || !event.type.startsWith('task.')) return task;
  if (event.type === 'task.deleted') return undefined;

  const next: Task = { ...task, version: task.version + 1, updatedAt: event.at };
  const data = event.data;
  switch (event.type) {
    case 'task.updated':
      Object.assign(next, (data as unknown as TaskUpdatedData).changes);
      break;
    case 'task.transitioned':
      applyTransition(next, data as unknown as TaskTransitionedData, event.at);
      break;
    case 'task.progress':
      Object.assign(next, pickDefined(data as TaskProgressData));
      break;
    case 'task.checkpoint':
      next.checkpoint = { at: event.at, data: (data as unknown as TaskCheckpointData).data };
      break;
    case 'task.usage': {
      const usage = data as unknown as UsageData;
      next.usage = addUsage(task.usage, usage.usage, usage.model);
      break;
    }
    case 'task.claimed':
      applyClaim(next, data as unknown as TaskClaimedData, event.at);
      break;
    case 'task.stuck':
      next.stuck = { ...(data as unknown as TaskStuckData) };
      break;
    case 'task.unstuck':
      next.stuck = null;
      break;
    case 'task.reset':
      applyReset(next, data as unknown as TaskResetData, event.at);
      break;
    case 'task.archived':
      next.archived = true;
      break;
    case 'task.log':
      break;
  }
  return next;
}

function applyTransition(task: Task, data: TaskTransitionedData, at: string): void {
  enterState(task, data.to, at);
  if (data.agentId) task.agentId = data.agentId;
  if (data.error) recordError(task, data.error, at);
  if (data.result) task.result = data.result;
  if (data.needsInput) task.needsInput = data.needsInput;
}

/** A claim assigns the task to its holder (claimed = assigned); taking over running work whose lease ran out keeps it active. */
function applyClaim(task: Task, data: TaskClaimedData, at: string): void {
  task.agentId = data.agentId;
  if (task.state === 'active') task.stuck = null;
  else enterState(task, 'assigned', at);
  task.lease = { agentId: data.agentId, token: data.leaseToken, expiresAt: data.leaseExpiresAt };
}

function applyReset(task: Task, data: TaskResetData, at: string): void {
  enterState(task, data.to, at);
  if (data.to === 'pending') task.agentId = null;
  if (data.to === 'failed') recordError(task, { message: `Reset by operator: ${data.reason}` }, at);
}

/** The bookkeeping every way into a state shares: timestamps, attempts, and dropping what no longer applies. */
function enterState(task: Task, to: TaskState, at: string): void {
  const from = task.state;
  task.state = to;
  if (to === 'assigned') task.assignedAt = at;
  if (to === 'active' && STARTING_FROM.includes(from)) {
    task.attempts += 1;
    task.startedAt = at;
    task.assignedAt ??= at;
    task.completedAt = null;
  }
  // The lease of a claim covers the holder's assigned and active time.
  if (to !== 'active' && to !== 'assigned') task.lease = null;
  // What the agent waited for is answered (or moot) once the task leaves `paused`.
  if (to !== 'paused') task.needsInput = null;
  if (to !== 'active' || STARTING_FROM.includes(from)) task.stuck = null;
  if (isFinished(to)) task.completedAt = at;
  if (to === 'done') task.progress = 100;
  if (to === 'pending') {
    task.completedAt = null;
    if (from === 'assigned') task.agentId = null;
  }
}

function recordError(task: Task, error: ErrorData, at: string): void {
  const entry: ErrorInfo = { at, message: error.message };
  if (error.details !== undefined) entry.details = error.details;
  task.lastError = entry;
  task.errors = [...task.errors, entry].slice(-MAX_TASK_ERRORS);
}

function pickDefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Folds one event into an agent record. */
export function reduceAgent(agent: Agent | undefined, event: TrackerEvent): Agent | undefined {
  switch (event.type) {
    case 'agent.registered':
      return { ...(event.data as unknown as AgentRegisteredData).agent };
    case 'agent.updated':
      return agent && { ...agent, ...(event.data as unknown as AgentUpdatedData).changes };
    case 'agent.offline':
      return agent && { ...agent, status: 'offline' };
    case 'agent.usage': {
      const usage = event.data as unknown as UsageData;
      return agent && { ...agent, usage: addUsage(agent.usage, usage.usage, usage.model) };
    }
    default:
      return agent;
  }
}

/** Folds a whole event list into the task it describes. */
export function foldTask(events: readonly TrackerEvent[]): Task | undefined {
  return events.reduce<Task | undefined>(reduceTask, undefined);
}
