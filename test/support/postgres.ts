/**
 * A real PostgreSQL for tests and benchmarks: `initdb` into a temporary folder, `postgres` on its own free port and its
 * own socket folder, trust authentication on loopback only. Run as root, both run as `nobody` (PostgreSQL refuses to
 * run as root), with the folder owned by that user.
 *
 * The server stops by itself: it runs under a small shell that holds a pipe from this process and shuts PostgreSQL
 * down (fast mode) when the pipe closes, so a test run that is killed never leaves a server behind. `stop()` and
 * `start()` stop and start the same cluster on the same port (a database that goes away and comes back).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pollUntil } from './poll.js';

export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  /** A fresh, empty database on this server; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Shuts the server down (fast: open connections are cut); the cluster stays. */
  stop(): Promise<void>;
  /** Starts it again on the same folder and port. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

const UNPRIVILEGED_USER = 'nobody';

/** The newest PostgreSQL's bin folder: Debian's /usr/lib/postgresql/<major>/bin, else wherever pg_config says. */
export function findPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const majors = readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
    for (const major of majors) if (existsSync(join(root, major, 'bin', 'postgres'))) return join(root, major, 'bin');
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const bin = pgConfig.status === 0 ? pgConfig.stdout.trim() : '';
  if (bin && existsSync(join(bin, 'postgres'))) return bin;
  throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres): apt-get install postgresql');
}

function unprivilegedIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, UNPRIVILEGED_USER], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** The command line that runs `file args` as the unprivileged user when this process is root. */
function asServerUser(file: string, args: readonly string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', UNPRIVILEGED_USER, '--', file, ...args]] : [file, [...args]];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /**
   * For a server shared by a whole test run: it holds no event-loop reference (the run ends when its tests do), and
   * its folder goes with it when this process exits.
   */
  detached?: boolean;
}

export async function startPostgres(options: StartOptions = {}): Promise<TestPostgres> {
  const bin = findPostgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'agent-tracker-pg-'));
  const data = join(dir, 'data');
  const ids = unprivilegedIds();
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const [initdb, initArgs] = asServerUser(join(bin, 'initdb'), [
    '-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-instructions',
  ]);
  const init = spawnSync(initdb, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let server: { child: ChildProcess; exited: Promise<void>; log: () => string } | undefined;

  const start = async () => {
    if (server) return;
    // The shell shuts the server down as soon as its stdin (a pipe from this process) closes, also if we are killed.
    const cleanup = options.detached ? `; rm -rf "${dir}"` : '';
    const script = `"$0" "$@" & pid=$!; read _; kill -INT $pid 2>/dev/null; wait $pid${cleanup}`;
    const [file, args] = asServerUser('/bin/sh', [
      '-c', script, join(bin, 'postgres'), '-D', data, '-p', String(port), '-k', dir, '-h', '127.0.0.1',
      '-c', 'max_connections=200', '-c', 'shared_buffers=32MB',
    ]);
    const child = spawn(file, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log = (log + chunk).slice(-20_000)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (options.detached) {
      child.unref();
      for (const stream of [child.stdin, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
    server = { child, exited, log: () => log };
    let ended = false;
    void exited.then(() => (ended = true));
    await pollUntil(`PostgreSQL on port ${port}`, async () => {
      if (ended) throw new Error(`postgres exited: ${log}`);
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end().catch(() => {});
      }
    }, 30_000, 100);
  };

  const stop = async () => {
    const current = server;
    if (!current) return;
    server = undefined;
    current.child.stdin?.end();
    const timer = setTimeout(() => current.child.kill('SIGKILL'), 15_000);
    await current.exited;
    clearTimeout(timer);
    // The shell may end before the server it started: wait until the cluster's pid file is gone.
    await pollUntil('PostgreSQL to stop', () => (existsSync(join(data, 'postmaster.pid')) ? undefined : true), 15_000, 50);
  };

  await start();
  return {
    url,
    port,
    async createDatabase(name: string) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    },
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
