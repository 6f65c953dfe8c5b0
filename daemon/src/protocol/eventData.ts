/**
 * The `data` carried by each event type. Events are written by the daemon only, so these are plain types rather than
 * schemas; `EventDataMap` ties each type to its data, and `TrackerEvent` (schemas.ts) is the union over it, so a reader
 * that checks `event.type` reads `event.data` with its own type.
 */
import type { Agent, EventType, NeedsInput, Task, TaskStuck } from './schemas.js';
import type { TaskCreateFields } from './newTask.js';
import type { ResetTarget, TaskState } from './states.js';
import type { UsageDelta } from './usage.js';
import type { ApprovalDecidedData, ApprovalExpiredData, ApprovalRequestedData } from './approvals.js';
import type { BudgetBlockedData, BudgetCrossedData, BudgetRemovedData, BudgetSetData } from './budgets.js';

export interface ErrorData {
  message: string;
  details?: unknown;
}

/**
 * A new task: the fields of its create request as validated, from which the reducer builds it (newTask.ts); its id and
 * creation time are the event's `taskId` and `at`. Logs written before this shape carry the whole task instead.
 */
export type TaskCreatedData = TaskCreateFields | { task: Task };
export interface TaskUpdatedData {
  changes: Partial<Task>;
}
export interface TaskTransitionedData {
  from: TaskState;
  to: TaskState;
  reason?: string;
  error?: ErrorData;
  result?: Record<string, unknown>;
  agentId?: string;
  /** Set when the task pauses because its agent waits for the user; any other transition clears it. */
  needsInput?: NeedsInput;
}
export interface TaskProgressData {
  progress?: number;
  step?: string;
  itemsProcessed?: number;
  itemsFailed?: number;
}
export interface TaskLogData {
  message: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  /** Absolute paths of the files the logged tool call changed (an agent's Edit, Write, patch), when it changed any. */
  files?: string[];
}
export interface TaskCheckpointData {
  data: Record<string, unknown>;
}
export interface TaskClaimedData {
  from: TaskState;
  agentId: string;
  leaseToken: string;
  leaseExpiresAt: string;
  /** The claim's lease length, which a heartbeat renews by. */
  leaseMs?: number;
}
export type TaskStuckData = TaskStuck;
export interface TaskUnstuckData {
  /** Why it had been stuck. */
  was: TaskStuck['reason'];
}
/** Archiving is a patch (`task.updated`) today; the type stays readable in older logs. */
export type TaskArchivedData = Record<string, never>;
/** Usage reported for a task (`task.usage`) or for an agent outside any task (`agent.usage`). */
export interface UsageData {
  usage: UsageDelta;
  model?: string;
  /** The model request it counts; a request already counted is not reported again. */
  requestId?: string;
}
export interface TaskResetData {
  from: TaskState;
  to: ResetTarget;
  reason: string;
}
export interface TaskDeletedData {
  reason: string;
}
export interface AgentRegisteredData {
  agent: Agent;
}
export interface AgentUpdatedData {
  changes: Partial<Agent>;
}
export interface AgentOfflineData {
  lastSeenAt: string;
  /** Why, when the daemon knows more than a missed heartbeat: its process exited, or its session ended. */
  reason?: 'process_exited' | 'session_ended';
}
export interface AgentResetData {
  to: ResetTarget;
  reason: string;
  tasks: string[];
}

/** Each event type's data. */
export interface EventDataMap {
  'task.created': TaskCreatedData;
  'task.updated': TaskUpdatedData;
  'task.transitioned': TaskTransitionedData;
  'task.progress': TaskProgressData;
  'task.log': TaskLogData;
  'task.checkpoint': TaskCheckpointData;
  'task.usage': UsageData;
  'task.claimed': TaskClaimedData;
  'task.stuck': TaskStuckData;
  'task.unstuck': TaskUnstuckData;
  'task.reset': TaskResetData;
  'task.archived': TaskArchivedData;
  'task.deleted': TaskDeletedData;
  'agent.registered': AgentRegisteredData;
  'agent.updated': AgentUpdatedData;
  'agent.offline': AgentOfflineData;
  'agent.reset': AgentResetData;
  'agent.usage': UsageData;
  'approval.requested': ApprovalRequestedData;
  'approval.decided': ApprovalDecidedData;
  'approval.expired': ApprovalExpiredData;
  'budget.set': BudgetSetData;
  'budget.removed': BudgetRemovedData;
  'budget.warning': BudgetCrossedData;
  'budget.exceeded': BudgetCrossedData;
  'budget.blocked': BudgetBlockedData;
}

/** The data of any event. */
export type EventData = EventDataMap[EventType];

/** Every event type has its entry above, and nothing else does. */
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const EVENT_DATA_COVERS_EVENT_TYPES: Exact<keyof EventDataMap, EventType> = true;
