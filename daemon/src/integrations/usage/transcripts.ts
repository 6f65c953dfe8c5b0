/**
 * Model usage from agents' own transcripts (JSON Lines the agent appends as it works): one record per model request,
 * with its ids so that a request is counted once however often it is read or reported.
 *
 * - Claude Code: `assistant` lines carry `message.id`, `message.model`, `message.usage` (input, output, cache read and
 *   creation tokens) and `requestId` (the API's `request-id` header, also in its OpenTelemetry `api_request` events);
 *   a message with several content blocks is written as several lines with the same ids.
 * - Codex: `token_usage_record` lines carry `response_id`, `turn_id` and `usage` (input tokens include cached ones).
 * - Gemini CLI: `gemini` lines carry `id`, `model` and `tokens` (input includes cached); a message is rewritten as it
 *   grows, so the same id appears again.
 */
import type { TranscriptFormat, TranscriptRequest } from '../../protocol/index.js';
import { BUILT_IN_PRICES, type PriceTable } from './prices.js';

type Json = Record<string, unknown>;

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);
const obj = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The request one transcript line records, if it records one, costed from `prices`. */
export function requestUsageOf(format: TranscriptFormat, line: Json, prices: PriceTable = BUILT_IN_PRICES): TranscriptRequest | undefined {
  const usage = PARSERS[format](line);
  if (!usage) return undefined;
  if (usage.model === undefined) delete usage.model;
  const cost = prices.costOf(usage.model, usage);
  if (cost !== undefined) usage.costUsd = cost;
  const at = typeof line.timestamp === 'string' ? Date.parse(line.timestamp) : NaN;
  if (Number.isFinite(at)) usage.at = at;
  return usage;
}

const PARSERS: Record<TranscriptFormat, (line: Json) => TranscriptRequest | undefined> = {
  'claude-code': (line) => {
    if (line.type !== 'assistant') return undefined;
    const message = obj(line.message);
    const usage = obj(message?.usage);
    const requestId = str(line.requestId);
    const id = str(message?.id) ?? requestId;
    if (!message || !usage || !id) return undefined;
    return {
      id,
      ...(requestId ? { requestId } : {}),
      model: str(message.model),
      inputTokens: num(usage.input_tokens),
      outputTokens: num(usage.output_tokens),
      cacheReadTokens: num(usage.cache_read_input_tokens),
      cacheWriteTokens: num(usage.cache_creation_input_tokens),
    };
  },
  codex: (line) => {
    if (line.type !== 'token_usage_record') return undefined;
    const payload = obj(line.payload);
    const usage = obj(payload?.usage);
    const id = str(payload?.response_id);
    if (!payload || !usage || !id) return undefined;
    const cached = num(usage.cached_input_tokens);
    return {
      id,
      requestId: id,
      model: str(payload.model),
      inputTokens: Math.max(0, num(usage.input_tokens) - cached),
      outputTokens: num(usage.output_tokens),
      cacheReadTokens: cached,
      cacheWriteTokens: num(usage.cache_write_input_tokens),
    };
  },
  'gemini-cli': (line) => {
    if (line.type !== 'gemini') return undefined;
    const tokens = obj(line.tokens);
    const id = str(line.id);
    if (!tokens || !id) return undefined;
    const cached = num(tokens.cached);
    return {
      id,
      model: str(line.model),
      inputTokens: Math.max(0, num(tokens.input) - cached),
      outputTokens: num(tokens.output) + num(tokens.thoughts),
      cacheReadTokens: cached,
      cacheWriteTokens: 0,
    };
  },
};
