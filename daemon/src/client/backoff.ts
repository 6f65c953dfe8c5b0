/** Retry timing shared by HTTP calls and stream reconnects: exponential, capped, with jitter so clients spread out. */
import { setTimeout as delay } from 'node:timers/promises';

export interface BackoffOptions {
  /** First delay in ms. */
  baseMs: number;
  /** Upper bound of any single delay in ms. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 2000 };

/** Delay before retry number `attempt` (0-based): half fixed, half random, so bursts of clients do not align. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Waits, but wakes early (rejecting) when the signal aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, signal ? { signal } : undefined);
}
