import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

export class DeadlineError extends Error {}

/** Polls for a JSON file until it parses and passes the guard, or the deadline passes. */
export async function waitForJsonFile<T>(file: string, guard: (value: unknown) => value is T, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const value: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (guard(value)) return value;
    } catch {
      // Not written yet.
    }
    await delay(250);
  }
  throw new DeadlineError(`no ${file} after ${Math.round(timeoutMs / 1000)} s`);
}
