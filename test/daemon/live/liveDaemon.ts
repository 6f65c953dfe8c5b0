/**
 * A real daemon for the live suites: the shared test daemon (`startDaemon` in this process on a temporary home and a
 * free loopback port), with optional tuning (short ping intervals, small inbox chunks).
 */
import type { HttpClient } from '../support/http.js';
import { makeTempHome } from '../support/tempHome.js';
import { startTestDaemon, type TestDaemon, type TestDaemonOptions } from '../support/testDaemon.js';

export type LiveDaemon = TestDaemon;
export type LiveDaemonOptions = TestDaemonOptions;

/** The core suites' test daemon with the live suites' defaults: a `live` home and no retention unless asked. */
export function startLiveDaemon(options: LiveDaemonOptions = {}): Promise<LiveDaemon> {
  return startTestDaemon({
    ...options,
    home: options.home ?? makeTempHome('live'),
    settings: { retentionDays: 0, ...options.settings },
  });
}

/** Creates tasks through the batch route, `perBatch` commands a request; returns the ids. */
export async function createTasks(http: HttpClient, count: number, prefix: string, perBatch = 100, extra: Record<string, unknown> = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += perBatch) {
    const lines = [];
    for (let i = start; i < Math.min(count, start + perBatch); i++) {
      const taskId = `${prefix}-${i}`;
      ids.push(taskId);
      lines.push({ op: 'create', taskId, title: `Task ${i}`, ...extra });
    }
    const { results } = await http.ok(http.post<{ results: { ok: boolean }[] }>('/v1/events', lines));
    if (results.some((r) => !r.ok)) throw new Error(`a create failed: ${JSON.stringify(results.find((r) => !r.ok))}`);
  }
  return ids;
}
