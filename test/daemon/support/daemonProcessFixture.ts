/**
 * One daemon process for a whole `describe`: the built CLI's daemon on a fresh home, started in `before` with a
 * `TrackerClient` connected to it, stopped with SIGTERM and its home removed in `after`. Call it in the `describe` body
 * before the suite's own hooks: its `before` then runs first, and teardown registered earlier runs before its `after`.
 */
import { TrackerClient } from '../../../daemon/src/client/index.js';
import { startDaemonProcess, stopDaemonProcess, type DaemonProcess } from './daemonProcess.js';
import { cliEnv } from './runCli.js';
import { makeTempHome, removeTempHome } from './tempHome.js';

export interface DaemonProcessFixture {
  readonly home: string;
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly client: TrackerClient;
}

/** `args` are extra `agent-tracker daemon` flags, e.g. `['--agent-timeout-ms', '1500']`. */
export function useDaemonProcess(args: string[] = []): DaemonProcessFixture {
  let home: string | undefined;
  let proc: DaemonProcess | undefined;
  let client: TrackerClient | undefined;

  before(async () => {
    home = makeTempHome('test');
    // Started under a clean environment, like the CLI under test: only the home decides which daemon is found.
    proc = await startDaemonProcess(home, { args, env: cliEnv(), timeoutMs: 15_000 });
    client = await TrackerClient.connect({ home });
  });

  after(async () => {
    if (proc) await stopDaemonProcess(proc);
    if (home) removeTempHome(home);
  });

  const current = () => {
    if (!home || !proc || !client) throw new Error('the daemon process is not started: use the fixture in a test or a later hook');
    return { home, proc, client };
  };
  return {
    get home() {
      return current().home;
    },
    get url() {
      return current().proc.info.url;
    },
    get port() {
      return current().proc.info.port;
    },
    get token() {
      return current().proc.http.token;
    },
    get client() {
      return current().client;
    },
  };
}
