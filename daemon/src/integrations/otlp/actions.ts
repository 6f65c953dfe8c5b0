/**
 * What an OTLP record asks of the tracker. Mappers are pure (a record in, actions out); the daemon's OTLP ingest
 * applies the actions through the tracker's named methods. `taskId` left out means "the agent's current task".
 */
import type { AgentMeta, UsageReportInput } from '../../protocol/index.js';

export type OtlpAction =
  | { kind: 'agent'; agentId: string; name: string; meta: AgentMeta }
  | { kind: 'task'; agentId: string; taskId: string; title: string; parentId?: string; input?: Record<string, unknown> }
  | { kind: 'usage'; agentId: string; taskId?: string; report: UsageReportInput }
  /** A tool call: the task's step and a log line; `key` counts it once across sources (hooks report it too). */
  | { kind: 'tool'; agentId: string; taskId?: string; step: string; message: string; level: 'info' | 'error'; key: string }
  | { kind: 'finish'; agentId: string; taskId: string; to: 'done' | 'failed'; error?: string };
