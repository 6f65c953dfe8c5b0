/**
 * A real daemon in the test process: `startDaemon` on a fresh temporary home and a free loopback port, with the real
 * store (event log, fdatasync, lowdb snapshot). Tests talk to it over HTTP only; `tracker` is there for assertions on
 * what the daemon holds, never to change it behind the API's back.
 */
import { startDaemon, type DaemonDeps, type RunningDaemon } from '../../../daemon/src/daemon.js';
import type { Clock } from '../../../daemon/src/common/clock.js';
import type { Logger } from '../../../daemon/src/common/logger.js';
import type { DaemonSettings } from '../../../daemon/src/common/settings.js';
import { HttpClient } from './http.js';
import { OpenApiTraffic } from './openApiTraffic.js';
import { makeTempHome, removeTempHome } from './tempHome.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';

export interface TestDaemon {
  daemon: RunningDaemon;
  http: HttpClient;
  home: string;
  /** Lines the daemon logged, for tests that check what it reported. */
  logLines: string[];
  /** Stops the daemon; the home stays (a restart test reopens it). */
  stop(): Promise<void>;
  /** Stops the daemon and removes its home. */
  close(): Promise<void>;
}

export interface TestDaemonOptions {
  home?: string;
  clock?: Clock;
  settings?: Partial<Omit<DaemonSettings, 'home'>>;
  /** Shorter intervals and smaller chunks than the contract's defaults, for suites that would otherwise be slow. */
  tuning?: DaemonDeps['tuning'];
  /** Log lines are shared across restarts of one home when the caller passes the same array. */
  logLines?: string[];
}

/** Every answer a test daemon gives over `http` is held against the OpenAPI document. */
const traffic = new OpenApiTraffic();

export async function startTestDaemon(options: TestDaemonOptions = {}): Promise<TestDaemon> {
  const home = options.home ?? makeTempHome('test');
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
    retentionDays: 30,
    ...options.settings,
  };
  settings.store ??= await testStore(home);
  const daemon = await startDaemon(settings, { log, clock: options.clock, tuning: options.tuning });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= daemon.close());
  return {
    daemon,
    http: new HttpClient(daemon.url, daemon.token, (exchange) => traffic.check(exchange)),
    home,
    logLines,
    stop,
    close: async () => {
      await stop();
      removeTempHome(home);
    },
  };
}

/**
 * `AGENT_TRACKER_TEST_STORE=postgres` runs the suites' test daemons on PostgreSQL: one server for the whole run, one
 * database per home (a daemon restarted on the same home finds its registry again).
 */
let sharedPostgres: Promise<TestPostgres> | undefined;
const databases = new Map<string, Promise<string>>();

function testStore(home: string): Promise<string | undefined> {
  if (process.env.AGENT_TRACKER_TEST_STORE !== 'postgres') return Promise.resolve(undefined);
  sharedPostgres ??= startPostgres({ detached: true });
  let url = databases.get(home);
  if (!url) {
    const name = `suite_${process.pid}_${databases.size + 1}`;
    databases.set(home, (url = sharedPostgres.then((pg) => pg.createDatabase(name))));
  }
  return url;
}
