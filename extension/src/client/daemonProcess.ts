/**
 * Starting and stopping the daemon process. The bundled daemon is started detached, with its output in the home's
 * log file, so it outlives window reloads and serves every window and agent on the machine.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { DEFAULT_HOST, DEFAULT_PORT, homePaths } from '../../../daemon/src/home.js';
import { DaemonClient } from './daemonClient.js';
import { isAlive, locateDaemon, runningDaemonPid } from './daemonLocator.js';

const START_DEADLINE_MS = 20_000;
const STOP_DEADLINE_MS = 10_000;
const POLL_MS = 100;

export interface StartOptions {
  /** The bundled daemon: `out/bundle/agent-tracker.cjs` inside the extension. */
  bundlePath: string;
  home: string;
}

/** Starts the daemon and resolves with its pid once it answers `/healthz`. */
export async function startDaemonProcess(options: StartOptions): Promise<number> {
  const paths = homePaths(options.home);
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  // The contract's default port when it is free (agents may expect it), any free port otherwise.
  const port = (await isPortFree(DEFAULT_PORT)) ? DEFAULT_PORT : 0;
  const log = openSync(paths.log, 'a', 0o600);
  let exitCode: number | null = null;
  try {
    const child = spawn(process.execPath, [options.bundlePath, 'daemon', '--home', paths.home, '--port', String(port)], {
      detached: true,
      stdio: ['ignore', log, log],
      // Inside VS Code, execPath is the editor itself; this makes it behave as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    child.on('exit', (code) => (exitCode = code ?? -1));
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error('the daemon process could not be spawned');
    await waitFor(async () => {
      if (exitCode !== null) throw new Error(`the daemon exited with code ${exitCode}; see ${paths.log}`);
      return answers(options.home, pid);
    }, START_DEADLINE_MS, `the daemon did not answer within ${START_DEADLINE_MS / 1000} s; see ${paths.log}`);
    return pid;
  } finally {
    closeSync(log);
  }
}

/** Stops the home's daemon (SIGTERM: it flushes and exits). Resolves false when none was running. */
export async function stopDaemonProcess(home: string): Promise<boolean> {
  const pid = await runningDaemonPid(home);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  await waitFor(async () => !isAlive(pid), STOP_DEADLINE_MS, `the daemon (pid ${pid}) did not stop within 10 s`);
  return true;
}

async function answers(home: string, pid: number): Promise<boolean> {
  const location = await locateDaemon({ daemonUrl: '', home });
  if (!location.found || location.pid !== pid) return false;
  try {
    return (await new DaemonClient(location.endpoint).health()).ok;
  } catch {
    return false;
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, DEFAULT_HOST, () => server.close(() => resolve(true)));
  });
}

async function waitFor(check: () => Promise<boolean>, deadlineMs: number, message: string): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(message);
}
