/** Starts the real daemon (`agent-tracker daemon`) on a fresh home and a free port, and stops it by its pid. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DaemonInfo } from '../../../../daemon/src/home.js';
import { waitFor } from './waitFor.js';

/** The compiled CLI, from out/test/daemon/client/support/ up to out/daemon/src/cli.js. */
export const CLI_PATH = fileURLToPath(new URL('../../../../daemon/src/cli.js', import.meta.url));

export interface TestDaemon {
  home: string;
  url: string;
  port: number;
  token: string;
  pid: number;
  /** Everything the daemon wrote to stdout/stderr, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startTestDaemon(flags: string[] = [], home = mkdtempSync(join(tmpdir(), 'agent-tracker-test-'))): Promise<TestDaemon> {
  const child = spawn(process.execPath, [CLI_PATH, 'daemon', '--home', home, '--port', '0', ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AGENT_TRACKER_URL: '', AGENT_TRACKER_TOKEN: '', AGENT_TRACKER_HOME: '' },
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const info = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the daemon exited with ${child.exitCode}:\n${log}`);
      const parsed = readInfo(home);
      return parsed && parsed.pid === child.pid ? parsed : undefined;
    },
    { timeoutMs: 15_000, what: `daemon.json in ${home}` },
  );
  return {
    home,
    url: info.url,
    port: info.port,
    token: readFileSync(join(home, 'token'), 'utf8').trim(),
    pid: info.pid,
    output: () => log,
    stop: () => stopChild(child, exited, home),
  };
}

function readInfo(home: string): DaemonInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as DaemonInfo;
  } catch {
    return undefined;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>, home: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid) {
    process.kill(child.pid, 'SIGTERM');
    const timeout = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timeout);
  }
  rmSync(home, { recursive: true, force: true });
}
