/** Starts the servers under test as child processes (the daemon through its CLI, the baselines through serverMain). */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnDaemon } from '../../../daemon/src/client/index.js';

/** out/bench/daemon/support/ -> out/daemon/src/cli.js */
const CLI = fileURLToPath(new URL('../../../daemon/src/cli.js', import.meta.url));
const SERVER_MAIN = fileURLToPath(new URL('./serverMain.js', import.meta.url));

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  /** Authorization header value, for the daemon. */
  headers: Record<string, string>;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `agent-tracker-bench-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function watch(child: ChildProcess): { stderr: () => string; exited: Promise<number | null> } {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { stderr: () => stderr, exited: exitOf(child) };
}

function stopper(child: ChildProcess, exited: Promise<number | null>): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
}

/** `agent-tracker daemon --home <home> --port 0`, started as every client starts one (spawnDaemon). */
export async function startDaemonServer(home: string, timeoutMs = 120_000): Promise<ServerProcess & { startMs: number; startCpuSec: number | null }> {
  const started = performance.now();
  // BENCH_DAEMON_NODE_ARGS passes flags to the daemon's node (e.g. `--cpu-prof --cpu-prof-dir=prof` to profile it).
  const nodeArgs = (process.env.BENCH_DAEMON_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const { child, pid, info, endpoint, stderr } = await spawnDaemon({ entry: CLI, home, port: 0, nodeArgs, deadlineMs: timeoutMs, pollMs: 5 });
  const startMs = performance.now() - started;
  return {
    url: info.url,
    port: info.port,
    pid,
    headers: { authorization: `Bearer ${endpoint.token}` },
    child,
    stderr,
    stop: stopper(child, exitOf(child)),
    startMs,
    startCpuSec: cpuSeconds(pid),
  };
}

/** The no-op Express route or the naive Express + lowdb server. */
export async function startBaselineServer(mode: 'noop' | 'naive', file = '', preload = 0): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVER_MAIN, mode, file, String(preload)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const { stderr, exited } = watch(child);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    void exited.then((code) => reject(new Error(`${mode} server exited (${code}): ${stderr()}`)));
  });
  return { url: `http://127.0.0.1:${port}`, port, pid: child.pid as number, headers: {}, child, stderr, stop: stopper(child, exited) };
}

/** POSTs JSON to a server under test and returns the parsed answer; any status but 2xx is an error. */
export async function postJson(server: ServerProcess, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...server.headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system) a process has used so far, from /proc; null where there is no /proc. On a shared machine
 * it tells whether a server had its core during a run, and gives a rate per CPU-second that other load cannot skew.
 */
export function cpuSeconds(pid: number): number | null {
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return null;
  }
}
