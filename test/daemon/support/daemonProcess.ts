/**
 * The daemon as its own process: the built CLI (`agent-tracker daemon`) on a given home and a free port. Crash tests
 * kill it with SIGKILL, shutdown tests send SIGTERM; the suite only ever signals the pids it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_ARGS, waitForDaemon } from '../../../daemon/src/client/index.js';
import type { DaemonInfo } from '../../../daemon/src/home/home.js';
import { HttpClient } from './http.js';
import { OpenApiTraffic } from './openApiTraffic.js';

/** Every answer over `http` is held against the OpenAPI document. */
const traffic = new OpenApiTraffic();

/** out/test/daemon/support/ -> out/daemon/src/cli.js */
export const CLI_PATH = fileURLToPath(new URL('../../../daemon/src/cli.js', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DaemonProcess {
  child: ChildProcess;
  pid: number;
  http: HttpClient;
  info: DaemonInfo;
  exited: Promise<Exit>;
  /** Everything the daemon wrote on stderr so far. */
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
}

export interface SpawnOptions {
  args?: string[];
  /** Limits the size of any file the daemon writes (RLIMIT_FSIZE, in 512-byte blocks): writes past it fail with EFBIG. */
  fileSizeBlocks?: number;
  /** Limits the file descriptors the daemon may hold (RLIMIT_NOFILE, `ulimit -n`), as many desktops do. */
  maxOpenFiles?: number;
  timeoutMs?: number;
  /** The daemon's environment; the test process's own by default. */
  env?: NodeJS.ProcessEnv;
}

/** Starts the CLI's daemon and the process's end promise, without waiting for it to listen. */
export function spawnDaemonProcess(home: string, options: SpawnOptions = {}): { child: ChildProcess; exited: Promise<Exit>; stderr: () => string } {
  const args = [...DAEMON_NODE_ARGS, CLI_PATH, 'daemon', '--home', home, '--port', '0', ...(options.args ?? [])];
  // Node ignores SIGXFSZ, so a write over the shell's `ulimit -f` fails with EFBIG instead of killing the process.
  const limits = [
    ...(options.fileSizeBlocks === undefined ? [] : [`ulimit -f ${options.fileSizeBlocks}`]),
    ...(options.maxOpenFiles === undefined ? [] : [`ulimit -n ${options.maxOpenFiles}`]),
  ];
  const child =
    limits.length === 0
      ? spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: options.env })
      : spawn('/bin/sh', ['-c', `${limits.join(' && ')} && exec "$0" "$@"`, process.execPath, ...args], {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: options.env,
        });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

/** Starts the daemon and waits until its daemon.json (with its own pid) says where it listens. */
export async function startDaemonProcess(home: string, options: SpawnOptions = {}): Promise<DaemonProcess> {
  const { child, exited, stderr } = spawnDaemonProcess(home, options);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the daemon');
  let exit: Exit | undefined;
  void exited.then((e) => (exit = e));
  const why = (): string | undefined => exit && `the daemon exited (${exit.code ?? exit.signal}): ${stderr()}`;
  const { info, endpoint } = await waitForDaemon(home, pid, why, options.timeoutMs ?? 30_000).catch((error: unknown) => {
    if (!exit) child.kill('SIGKILL');
    throw error;
  });
  return {
    child,
    pid,
    http: new HttpClient(info.url, endpoint.token, (exchange) => traffic.check(exchange)),
    info,
    exited,
    stderr,
    kill: (signal) => {
      if (exit === undefined) child.kill(signal);
    },
  };
}

/** SIGKILL (if still running) and wait for the end: the teardown of every test that started a process. */
export async function killDaemonProcess(proc: { child: ChildProcess; exited: Promise<Exit> }): Promise<Exit> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  return proc.exited;
}

/** SIGTERM (if still running), SIGKILL if it has not ended after `graceMs`, and wait for the end: a clean shutdown. */
export async function stopDaemonProcess(proc: { child: ChildProcess; exited: Promise<Exit> }, graceMs = 10_000): Promise<Exit> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.exited;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}
