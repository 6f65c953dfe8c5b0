/** Shapes of the daemon's query strings as the client writes them; response shapes come from the protocol. */
import type { Task, TaskState } from '../protocol/index.js';

export type {
  Agent,
  AgentResetResult,
  Approval,
  ApprovalDecisionInput,
  ApprovalState,
  BatchResponse,
  BatchResult,
  ClaimResult,
  CleanupResult,
  Health,
  HistoryPage,
  NextResult,
  Replay,
  Stats,
  StuckResetResult,
  Task,
  TaskHeartbeatResult,
  TaskPage,
  TaskState,
  TrackerEvent,
} from '../protocol/index.js';

export interface Items<T> {
  items: T[];
}

/** Which tasks a listing returns: the one type the route parses into and the engine filters by. */
export type { TaskQuery } from '../protocol/index.js';

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
