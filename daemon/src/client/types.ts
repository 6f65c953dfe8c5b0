/** Shapes of the daemon's responses (inferred from ./responses.ts) and of its query strings. */
import type { z } from 'zod';
import type { Agent, Replay, Task, TaskState, TrackerEvent } from '../protocol/index.js';
import type {
  AgentResetResultSchema,
  BatchResponseSchema,
  BatchResultSchema,
  ClaimResultSchema,
  CleanupResultSchema,
  HealthSchema,
  HistoryPageSchema,
  NextResultSchema,
  StatsSchema,
  StuckResetResultSchema,
  TaskHeartbeatResultSchema,
  TaskPageSchema,
} from './responses.js';

export type Health = z.infer<typeof HealthSchema>;
export type TaskPage = z.infer<typeof TaskPageSchema>;
export type HistoryPage = z.infer<typeof HistoryPageSchema>;
export type ClaimResult = z.infer<typeof ClaimResultSchema>;
export type TaskHeartbeatResult = z.infer<typeof TaskHeartbeatResultSchema>;
export type NextResult = z.infer<typeof NextResultSchema>;
export type AgentResetResult = z.infer<typeof AgentResetResultSchema>;
export type StuckResetResult = z.infer<typeof StuckResetResultSchema>;
export type CleanupResult = z.infer<typeof CleanupResultSchema>;
export type BatchResult = z.infer<typeof BatchResultSchema>;
export type BatchResponse = z.infer<typeof BatchResponseSchema>;
export type Stats = z.infer<typeof StatsSchema>;

export interface Items<T> {
  items: T[];
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

export interface EventQuery {
  after?: number;
  limit?: number;
}

export type { Agent, Replay, Task, TaskState, TrackerEvent };
