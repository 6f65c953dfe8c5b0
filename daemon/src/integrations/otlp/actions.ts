/**
 * What an OTLP record asks of the tracker. Mappers are pure (a record in, actions out); the daemon's OTLP ingest
 * applies the actions through the tracker's named methods. `taskId` left out means "the agent's current task".
 */
import type { AgentMeta, UsageReportInput } from '../../protocol/index.js';
import type { RequestSighting } from '../usage/requestMatcher.js';

export type OtlpAction =
  | { kind: 'agent'; agentId: string; name: string; meta: AgentMeta }
  | { kind: 'task'; agentId: string; taskId: string; title: string; parentId?: string; input?: Record<string, unknown> }
  /**
   * Model usage. With `sighting`, the key it counts under comes from the request matcher (an agent's transcript may
   * report the same request); else `report.requestId` is the key.
   */
  | { kind: 'usage'; agentId: string; taskId?: string; report: UsageReportInput; sighting?: RequestSighting }
  /** A tool call: the task's step and a log line; `key` counts it once across sources (hooks report it too). */
  | { kind: 'tool'; agentId: string; taskId?: string; step: string; message: string; level: 'info' | 'error'; key: string }
  | { kind: 'finish'; agentId: string; taskId: string; to: 'done' | 'failed'; error?: string };
