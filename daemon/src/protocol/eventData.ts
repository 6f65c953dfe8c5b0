/**
 * The `data` carried by each event type. Events are written by the daemon only, so these are plain types rather than
 * schemas; the reducer reads them, and the extension's replay panel shows them.
 */
import type { Agent, NeedsInput, Task, TaskStuck } from './schemas.js';
import type { ResetTarget, TaskState } from './states.js';
import type { UsageDelta } from './usage.js';

export interface ErrorData {
  message: string;
  details?: unknown;
}

export interface TaskCreatedData {
  task: Task;
}
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
}
export interface TaskCheckpointData {
  data: Record<string, unknown>;
}
export interface TaskClaimedData {
  from: TaskState;
  agentId: string;
  leaseToken: string;
  leaseExpiresAt: string;
}
export type TaskStuckData = TaskStuck;
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
