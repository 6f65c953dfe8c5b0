/**
 * Starting and stopping a daemon process on a home, for every client that manages one (the extension, the tests, the
 * bench). Ready means: its `daemon.json` names the process just started, and `/healthz` answers there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_HOST, DEFAULT_PORT, homePaths, type DaemonInfo } from '../home/home.js';
import { locateDaemon, readDaemonInfo, type DaemonEndpoint } from '../home/discovery.js';
import { TrackerClient } from './trackerClient.js';

const POLL_MS = 50;

/**
 * Node flags every daemon runs with. Bulk ingest allocates about 10 KB per new task and keeps part of it (the task,
 * its id, its index entries), and the young generation's collections took a sixth of the daemon's time: twice V8's
 * default semi-space (32 MB, not 16) nearly halves their number and their total time, for at most 32 MB more memory
 * while under load.
 */
export const DAEMON_NODE_ARGS: readonly string[] = ['--max-semi-space-size=32'];

export interface SpawnDaemonOptions {
  /** The CLI to run `daemon` with: `out/daemon/src/cli.js`, or the extension's self-contained bundle. */
  entry: string;
  home: string;
  /** The port to listen on; by default the contract's port when it is free, else any free port. */
  port?: number;
  /** More `daemon` arguments (settings). */
  args?: readonly string[];
  /** Flags for Node itself, after DAEMON_NODE_ARGS and before the entry (a benchmark's `--cpu-prof`). */
  nodeArgs?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /**
   * Detached, with its output appended to the home's `daemon.log`: it outlives the caller (the extension starts one
   * that serves every window and agent). Otherwise a child of the caller with its stderr piped.
   */
  detached?: boolean;
  /** How long to wait for it to answer; default 20 s. */
  deadlineMs?: number;
  /** How often to look whether it answers (a benchmark timing the start looks often). */
  pollMs?: number;
}

export interface SpawnedDaemon {
  child: ChildProcess;
  pid: number;
  info: DaemonInfo;
  endpoint: DaemonEndpoint;
  /** The first 64 KiB of what a child that is not detached wrote to stderr (its start-up lines, or why it failed). */
  stderr: () => string;
}

const STDERR_KEPT = 64 * 1024;

export async function spawnDaemon(options: SpawnDaemonOptions): Promise<SpawnedDaemon> {
  const paths = homePaths(options.home);
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  const port = options.port ?? ((await isPortFree(DEFAULT_PORT)) ? DEFAULT_PORT : 0);
  const args = [...DAEMON_NODE_ARGS, ...(options.nodeArgs ?? []), options.entry, 'daemon', '--home', paths.home, '--port', String(port), ...(options.args ?? [])];
  // Inside VS Code, execPath is the editor itself; this makes it behave as plain Node.
  const env = { ...(options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' };
  const log = options.detached ? openSync(paths.log, 'a', 0o600) : undefined;
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, args, {
      detached: options.detached ?? false,
      stdio: log === undefined ? ['ignore', 'ignore', 'pipe'] : ['ignore', log, log],
      env,
      windowsHide: true,
    });
  } finally {
    if (log !== undefined) closeSync(log);
  }
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < STDERR_KEPT) stderr += chunk.slice(0, STDERR_KEPT - stderr.length);
  });
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = `the daemon exited (${code ?? signal})${options.detached ? `; see ${paths.log}` : `: ${stderr}`}`));
  if (options.detached) child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('the daemon process could not be spawned');
  try {
    const { info, endpoint } = await waitForDaemon(options.home, pid, () => exit, options.deadlineMs ?? 20_000, options.pollMs);
    return { child, pid, info, endpoint, stderr: () => stderr };
  } catch (error) {
    if (exit === undefined) child.kill('SIGKILL');
    throw error;
  }
}

/**
 * Waits until the home's daemon.json names `pid` and that daemon answers `/healthz`; `exited` says why to stop
 * waiting. `pollMs`: how often to look (a benchmark timing the start looks often).
 */
export async function waitForDaemon(
  home: string,
  pid: number,
  exited: () => string | undefined,
  deadlineMs: number,
  pollMs = POLL_MS,
): Promise<{ info: DaemonInfo; endpoint: DaemonEndpoint }> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const failure = exited();
    if (failure) throw new Error(failure);
    const location = await locateDaemon({ home, env: {} });
    if (location.found && location.pid === pid) {
      const client = new TrackerClient(location.endpoint, { retries: 0, timeoutMs: 2_000 });
      // Any answer will do: a daemon whose store is unhealthy still serves, and says so.
      const healthy = await client.health().then(
        () => true,
        () => false,
      );
      const info = await readDaemonInfo(home);
      if (healthy && typeof info !== 'string') return { info, endpoint: location.endpoint };
    }
    await delay(pollMs);
  }
  throw new Error(`the daemon (pid ${pid}) did not answer within ${Math.round(deadlineMs / 1000)} s`);
}

/** Stops the home's daemon (SIGTERM: it flushes and exits). Resolves false when none was running. */
export async function stopDaemon(home: string, deadlineMs = 10_000): Promise<boolean> {
  const pid = await runningDaemonPid(home);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + deadlineMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`the daemon (pid ${pid}) did not stop within ${Math.round(deadlineMs / 1000)} s`);
    await delay(POLL_MS);
  }
  return true;
}

/** The pid in the home's daemon.json, if that process is still alive. */
export async function runningDaemonPid(home: string): Promise<number | undefined> {
  const info = await readDaemonInfo(home);
  return typeof info !== 'string' && isAlive(info.pid) ? info.pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, DEFAULT_HOST, () => server.close(() => resolve(true)));
  });
}
