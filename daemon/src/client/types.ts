/** Shapes of the daemon's responses and query strings, built from the protocol's inferred types. */
import type { Agent, Replay, Task, TaskState, TrackerEvent } from '../protocol/index.js';

export interface Health {
  ok: boolean;
  version: string;
  seq: number;
}

export interface TaskPage {
  items: Task[];
  nextCursor: string | null;
  total: number;
}

export interface TaskQuery {
  state?: TaskState | readonly TaskState[];
  agentId?: string;
  tag?: string;
  parentId?: string;
  requestId?: string;
  stuck?: boolean;
  q?: string;
  limit?: number;
  cursor?: string;
}

export interface HistoryQuery {
  limit?: number;
  offset?: number;
  state?: TaskState | readonly TaskState[];
  agentId?: string;
  jobType?: Task['jobType'];
  since?: string;
}

export interface HistoryPage {
  items: Task[];
  total: number;
}

export interface EventQuery {
  after?: number;
  limit?: number;
}

export interface Items<T> {
  items: T[];
}

export interface ClaimResult {
  task: Task;
  leaseToken: string;
}

export interface TaskHeartbeatResult {
  leaseExpiresAt: string;
  state: TaskState;
}

export interface NextResult {
  task: Task;
  leaseToken?: string;
}

export interface AgentResetResult {
  agent: Agent;
  tasks: Task[];
}

export interface StuckResetResult {
  tasks: Task[];
}

export interface CleanupResult {
  removed: number;
}

/** One result per batch command, in order: what it produced, or why it was refused. */
export interface BatchResult {
  ok?: boolean;
  error?: { code: string; message: string; details?: unknown };
  [field: string]: unknown;
}

export interface BatchResponse {
  results: BatchResult[];
}

/** `GET /v1/stats`: counts and means; the daemon may add fields, so unknown ones are kept. */
export interface Stats {
  [field: string]: unknown;
}

export type { Agent, Replay, Task, TaskState, TrackerEvent };
