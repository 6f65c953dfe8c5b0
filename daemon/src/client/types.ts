/** Shapes of the daemon's query strings as the client writes them; response shapes come from the protocol. */
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

/** Which tasks a listing or the history returns: each one type for the client, the route's schema and the engine. */
export type { HistoryQuery, TaskQuery } from '../protocol/index.js';

export interface EventQuery {
  after?: number;
  limit?: number;
}
