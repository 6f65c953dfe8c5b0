/**
 * Team mode under test: one real PostgreSQL (see test/support/postgres.ts) for a whole suite, and daemons as their own
 * processes (the built CLI with `--store`), each on its own home, so a test can kill one with SIGKILL.
 */
import { startPostgres, type TestPostgres } from '../../support/postgres.js';
import { killDaemonProcess, startDaemonProcess, stopDaemonProcess, type DaemonProcess } from './daemonProcess.js';
import { cliEnv } from './runCli.js';
import { makeTempHome, removeTempHome } from './tempHome.js';

export interface TeamDaemon extends DaemonProcess {
  home: string;
}

export interface TeamCluster {
  readonly postgres: TestPostgres;
  /** A fresh database for one test. */
  database(): Promise<string>;
  /** A daemon process on `url` with its own home; `args` are extra daemon flags, `env` extra environment. */
  daemon(url: string, args?: string[], env?: NodeJS.ProcessEnv): Promise<TeamDaemon>;
  /** `count` daemons on one fresh database. */
  daemons(count: number, args?: string[]): Promise<{ url: string; daemons: TeamDaemon[] }>;
}

/** Call in a `describe` body: PostgreSQL starts in `before` and stops in `after`; daemons stop after each test. */
export function useTeamCluster(): TeamCluster {
  let postgres: TestPostgres | undefined;
  let databases = 0;
  const running: TeamDaemon[] = [];

  before(async function () {
    this.timeout(120_000);
    postgres = await startPostgres();
  });
  afterEach(async function () {
    this.timeout(60_000);
    await Promise.all(running.splice(0).map(async (d) => {
      await stopDaemonProcess(d).catch(() => killDaemonProcess(d));
      removeTempHome(d.home);
    }));
  });
  after(async function () {
    this.timeout(60_000);
    await postgres?.close();
  });

  const cluster: TeamCluster = {
    get postgres() {
      if (!postgres) throw new Error('PostgreSQL is not started: use the cluster in a test or a later hook');
      return postgres;
    },
    database: () => cluster.postgres.createDatabase(`team_${process.pid}_${++databases}`),
    async daemon(url, args = [], env = {}) {
      const home = makeTempHome('team');
      const proc = await startDaemonProcess(home, { args: ['--store', url, ...args], env: { ...cliEnv(), ...env }, timeoutMs: 30_000 });
      const daemon = Object.assign(proc, { home });
      running.push(daemon);
      return daemon;
    },
    async daemons(count, args = []) {
      const url = await cluster.database();
      // The first one migrates the new database; the others then start together.
      const first = await cluster.daemon(url, args);
      const rest = await Promise.all(Array.from({ length: count - 1 }, () => cluster.daemon(url, args)));
      return { url, daemons: [first, ...rest] };
    },
  };
  return cluster;
}
