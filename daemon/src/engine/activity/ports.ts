/**
 * What the applier needs from outside the engine, as it needs it: the daemon plugs in integrations/usage's request
 * matcher and transcript reader.
 */
import type { TranscriptFormat, UsageSighting, UsageSource } from '../../protocol/index.js';

export interface UsageMatching {
  /** The key a model request's usage counts under, and a key for its cost alone when it was counted without one. */
  keysOf(agentId: string, source: UsageSource, sighting: UsageSighting): { key: string; costKey?: string };
}

/** One model request a transcript records. */
export interface TranscriptRequest {
  /** The agent's id of the request or message (unique within its session). */
  id: string;
  /** The provider's id of the request, where the transcript records it. */
  requestId?: string;
  /** When the agent recorded it (ms), if it says. */
  at?: number;
  model?: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd?: number;
}

export interface TranscriptRequests {
  /** The requests appended to the transcript since its last read. */
  readNew(path: string, format: TranscriptFormat): Promise<TranscriptRequest[]>;
}
