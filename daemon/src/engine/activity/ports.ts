/**
 * What the applier needs from outside the engine, as it needs it: the daemon plugs in integrations/usage's request
 * matcher and transcript reader.
 */
import type { TranscriptFormat, TranscriptRequest, UsageSighting, UsageSource } from '../../protocol/index.js';

export interface UsageMatching {
  /** The key a model request's usage counts under, and a key for its cost alone when it was counted without one. */
  keysOf(agentId: string, source: UsageSource, sighting: UsageSighting): { key: string; costKey?: string };
}

export interface TranscriptRequests {
  /** The requests appended to the transcript since its last read. */
  readNew(path: string, format: TranscriptFormat): Promise<TranscriptRequest[]>;
}
