/**
 * The `data` carried by each event type. Events are written by the daemon only, so these are plain types rather than
 * schemas; the reducer reads them, and the extension's replay panel shows them.
 */
import type { Agent, Task, TaskStuck } from './schemas.js';
import type { ResetTarget, TaskState } from './states.js';

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
}
export interface AgentResetData {
  to: ResetTarget;
  reason: string;
  tasks: string[];
}
