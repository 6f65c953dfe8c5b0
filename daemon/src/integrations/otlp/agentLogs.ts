/**
 * Log events of coding agents that export OpenTelemetry, onto the session's agent and its current task:
 * - Claude Code (`CLAUDE_CODE_ENABLE_TELEMETRY=1`): `event.name` `api_request` (model, input/output/cache tokens,
 *   `cost_usd`, `request_id`) and `tool_result` (`tool_name`, `success`, `duration_ms`, `tool_use_id`), keyed by
 *   `session.id`; the agent is `claude-code:<session.id>`, as the hooks name it.
 * - Codex (`[otel]` in config.toml): `codex.sse_event` of kind `response.completed` (token counts),
 *   `codex.api_request` when it carries token counts, and `codex.tool_result` (`tool_name`, `call_id`, `success`,
 *   `duration_ms`), keyed by `conversation.id`; the agent is `codex:<conversation id>`.
 */
import { basename } from 'node:path';
import { idFrom } from '../hooks/text.js';
import { requestKey } from '../usage/requestKey.js';
import type { Activity, UsageSighting } from '../../protocol/index.js';
import type { Attributes, OtlpLogRecord } from './otlpJson.js';

const str = (a: Attributes, key: string): string | undefined => {
  const v = a[key];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
};
const num = (a: Attributes, key: string): number => {
  const v = a[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? n : 0;
};
const int = (a: Attributes, key: string): number => Math.round(num(a, key));

/** Agent ids are `[A-Za-z0-9._:-]{1,128}`; session ids are uuids, but nothing forces that. */
export function agentIdOf(kind: string, sessionId: string): string {
  return `${kind}:${sessionId.replace(/[^A-Za-z0-9._:-]/g, '_')}`.slice(0, 128);
}

export function mapAgentLog(record: OtlpLogRecord): Activity[] {
  const name = record.name.replace(/^claude_code\./, '');
  const a = record.attributes;
  switch (name) {
    case 'api_request':
      return claudeCode(record, (agentId) => [claudeUsage(agentId, record)]);
    case 'tool_result':
      return claudeCode(record, (agentId) => [toolAction(agentId, a, str(a, 'tool_use_id'))]);
    case 'codex.sse_event':
      if (str(a, 'event.kind') !== 'response.completed' || !hasTokens(a)) return [];
      return codex(record, (agentId) => [codexUsage(agentId, record)]);
    case 'codex.api_request':
      return hasTokens(a) ? codex(record, (agentId) => [codexUsage(agentId, record)]) : [];
    case 'codex.tool_result':
      return codex(record, (agentId) => [toolAction(agentId, a, str(a, 'call_id'))]);
    default:
      return [];
  }
}

/**
 * Claude Code's records name the prompt (`prompt.id`) whose turn they belong to, and its hooks name that turn's task
 * after it: the usage lands on that turn even when it arrives after the turn ended (an exporter sends in batches, the
 * last at exit). Without the turn's task (no hooks), the agent's current task takes it.
 */
function claudeCode(record: OtlpLogRecord, actions: (agentId: string) => Activity[]): Activity[] {
  const sessionId = str(record.attributes, 'session.id');
  if (!sessionId) return [];
  const agentId = agentIdOf('claude-code', sessionId);
  const promptId = str(record.attributes, 'prompt.id');
  const turn = promptId ? { taskId: idFrom('claude-code', sessionId, promptId) } : {};
  const mapped = actions(agentId).map((action) => (action.type === 'usage' || action.type === 'tool.ended' ? { ...action, ...turn } : action));
  return [sessionAgent(agentId, 'Claude Code', 'claude-code', sessionId, record), ...mapped];
}

function codex(record: OtlpLogRecord, actions: (agentId: string) => Activity[]): Activity[] {
  const sessionId = str(record.attributes, 'conversation.id');
  if (!sessionId) return [];
  const agentId = agentIdOf('codex', sessionId);
  return [sessionAgent(agentId, 'Codex', 'codex', sessionId, record), ...actions(agentId)];
}

function sessionAgent(agentId: string, displayName: string, kind: string, sessionId: string, record: OtlpLogRecord): Activity {
  const cwd = str(record.attributes, 'cwd') ?? str(record.resource, 'process.cwd');
  const model = str(record.attributes, 'model');
  return {
    type: 'session.seen',
    agentId,
    name: cwd ? `${displayName} · ${basename(cwd)}` : displayName,
    meta: { kind, sessionId, ...(model ? { model } : {}), ...(cwd ? { cwd } : {}) },
    firsthand: false,
  };
}

/** Claude Code's `api_request`: `request_id` is the API's `request-id`, which its transcript records too. */
function claudeUsage(agentId: string, record: OtlpLogRecord): Activity {
  const a = record.attributes;
  const counts = {
    inputTokens: int(a, 'input_tokens'),
    outputTokens: int(a, 'output_tokens'),
    cacheReadTokens: int(a, 'cache_read_tokens'),
    cacheWriteTokens: int(a, 'cache_creation_tokens'),
  };
  const model = str(a, 'model');
  return {
    type: 'usage',
    agentId,
    report: { ...counts, costUsd: num(a, 'cost_usd'), ...(model ? { model } : {}) },
    sighting: sighting(record, counts, str(a, 'request_id')),
  };
}

function hasTokens(a: Attributes): boolean {
  return a.input_token_count !== undefined || a.output_token_count !== undefined;
}

/** Codex's input count includes the cached tokens; the tracker counts them apart, as its transcripts do. */
function codexUsage(agentId: string, record: OtlpLogRecord): Activity {
  const a = record.attributes;
  const cached = int(a, 'cached_token_count');
  const counts = {
    inputTokens: Math.max(0, int(a, 'input_token_count') - cached),
    outputTokens: int(a, 'output_token_count'),
    cacheReadTokens: cached,
    cacheWriteTokens: int(a, 'cache_write_token_count'),
  };
  const model = str(a, 'model');
  const responseId = str(a, 'response_id') ?? str(a, 'response.id');
  return { type: 'usage', agentId, report: { ...counts, ...(model ? { model } : {}) }, sighting: sighting(record, counts, responseId) };
}

/**
 * The request as an event saw it: it ended at the event's time and took `duration_ms`. The event's own id is its time
 * and sequence number (an exporter's retry repeats both; a resumed session restarts the sequence, not the clock).
 */
function sighting(record: OtlpLogRecord, counts: Omit<UsageSighting, 'source' | 'ownId' | 'from' | 'to' | 'requestId' | 'costed'>, requestId: string | undefined): UsageSighting {
  const a = record.attributes;
  const stamp = str(a, 'event.timestamp');
  // The record's own time is the event's (Claude Code sets both alike); the attribute is read only without it.
  const parsed = record.at ?? (stamp === undefined ? NaN : Date.parse(stamp));
  const to = Number.isFinite(parsed) ? parsed : 0;
  const from = to - num(a, 'duration_ms');
  const sequence = str(a, 'event.sequence') ?? `${counts.inputTokens}:${counts.outputTokens}:${counts.cacheReadTokens}:${counts.cacheWriteTokens}`;
  // Field by field: an export carries hundreds of these, and spreads of optional parts made each one slow to build.
  const seen: UsageSighting = {
    source: 'otlp',
    ownId: `${stamp ?? record.at ?? ''}#${sequence}`,
    inputTokens: counts.inputTokens,
    outputTokens: counts.outputTokens,
    cacheReadTokens: counts.cacheReadTokens,
    cacheWriteTokens: counts.cacheWriteTokens,
    from,
    to,
    costed: num(a, 'cost_usd') > 0,
  };
  if (requestId) seen.requestId = requestId;
  return seen;
}

function toolAction(agentId: string, a: Attributes, callId: string | undefined): Activity {
  const tool = str(a, 'tool_name') ?? 'tool';
  const ok = str(a, 'success') !== 'false' && a.success !== false;
  const duration = num(a, 'duration_ms');
  const error = str(a, 'error') ?? str(a, 'error_type');
  const took = duration ? ` in ${duration < 1000 ? `${Math.round(duration)} ms` : `${(duration / 1000).toFixed(1)} s`}` : '';
  return {
    type: 'tool.ended',
    agentId,
    step: tool,
    message: ok ? `${tool} succeeded${took}` : `${tool} failed${took}${error ? `: ${error}` : ''}`,
    level: ok ? 'info' : 'error',
    key: requestKey(agentId, `tool:${callId ?? `${tool}:${str(a, 'event.timestamp') ?? ''}`}`),
  };
}
