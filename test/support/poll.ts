/** Waiting on a condition with a deadline: the suites never sleep for a fixed time. */
import { setTimeout as delay } from 'node:timers/promises';

/** Calls `probe` until it returns something other than undefined; fails with `what` (and the last error) at the deadline. */
export async function pollUntil<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await delay(intervalMs);
  }
}

/**
 * Checks that `holds` stays true for `durationMs` (across several of the daemon's periodic passes), failing as soon as
 * it does not: how a test shows that something does not happen.
 */
export async function holdsFor(what: string, holds: () => boolean | Promise<boolean>, durationMs: number, intervalMs = 50): Promise<void> {
  const end = Date.now() + durationMs;
  do {
    if (!(await holds())) throw new Error(`${what} stopped holding`);
    await delay(intervalMs);
  } while (Date.now() < end);
}
