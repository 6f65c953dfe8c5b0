/**
 * A real daemon for the live suites: `startDaemon` in this process on a temporary home and a free loopback port, with
 * optional tuning (short ping intervals, small inbox chunks) that the contract's defaults would make slow to test.
 */
import { startDaemon, type DaemonDeps, type RunningDaemon } from '../../../daemon/src/daemon.js';
import type { Clock } from '../../../daemon/src/clock.js';
import type { Logger } from '../../../daemon/src/logger.js';
import type { DaemonSettings } from '../../../daemon/src/settings.js';
import { HttpClient } from '../support/http.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

export interface LiveDaemon {
  daemon: RunningDaemon;
  http: HttpClient;
  home: string;
  logLines: string[];
  /** Stops the daemon and keeps its home (a restart reopens it). */
  stop(): Promise<void>;
  /** Stops it and removes its home. */
  close(): Promise<void>;
}

export interface LiveDaemonOptions {
  home?: string;
  clock?: Clock;
  settings?: Partial<Omit<DaemonSettings, 'home'>>;
  tuning?: DaemonDeps['tuning'];
  /** Log lines are shared across restarts of one home when the caller passes the same array. */
  logLines?: string[];
}

export async function startLiveDaemon(options: LiveDaemonOptions = {}): Promise<LiveDaemon> {
  const home = options.home ?? makeTempHome('live');
  const logLines = options.logLines ?? [];
  const log: Logger = {
    info: (m) => logLines.push(`info ${m}`),
    warn: (m) => logLines.push(`warn ${m}`),
    error: (m) => logLines.push(`error ${m}`),
  };
  const settings: DaemonSettings = {
    home,
    host: '127.0.0.1',
    port: 0,
    agentTimeoutMs: 60_000,
    defaultLeaseMs: 60_000,
    retentionDays: 0,
    ...options.settings,
  };
  const daemon = await startDaemon(settings, { log, clock: options.clock, tuning: options.tuning });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= daemon.close());
  return {
    daemon,
    http: new HttpClient(daemon.url, daemon.token),
    home,
    logLines,
    stop,
    close: async () => {
      await stop();
      removeTempHome(home);
    },
  };
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
