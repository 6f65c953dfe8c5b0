// Starts the VS Code server bundled in code-server with Node 24, on a free loopback port, with fresh user, server
// and extensions folders, in a process group of its own.
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from './freePort.js';
import { node24Bin, serverMain, vscodeServerDir } from './hostPaths.js';
import { spawnGroup, stopGroup } from './processGroup.js';

export interface ServerDirs {
  root: string;
  user: string;
  server: string;
  extensions: string;
  workspace: string;
}

export interface VscodeServer {
  port: number;
  origin: string;
  logFile: string;
  /** The address of a server-side path as the workbench names it. */
  remoteUri(absolutePath: string): string;
  /** Rejects when the server exits before stop() was called. */
  unexpectedExit: Promise<never>;
  stop(): Promise<void>;
}

export async function makeServerDirs(prefix: string): Promise<ServerDirs> {
  const root = await mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  const dirs = {
    root,
    user: path.join(root, 'user'),
    server: path.join(root, 'server'),
    extensions: path.join(root, 'extensions'),
    workspace: path.join(root, 'workspace'),
  };
  await Promise.all([dirs.user, dirs.server, dirs.extensions, dirs.workspace].map((d) => mkdir(d, { recursive: true })));
  return dirs;
}

export async function removeServerDirs(dirs: ServerDirs): Promise<void> {
  await rm(dirs.root, { recursive: true, force: true, maxRetries: 3 });
}

/** Quiet, offline-friendly defaults for a workbench under test, plus the caller's settings. */
export async function writeUserSettings(dirs: ServerDirs, settings: Record<string, unknown>): Promise<void> {
  const userDir = path.join(dirs.user, 'User');
  await mkdir(userDir, { recursive: true });
  const all = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'security.workspace.trust.enabled': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...settings,
  };
  await writeFile(path.join(userDir, 'settings.json'), `${JSON.stringify(all, null, 2)}\n`);
}

/** The VS Code version of the provisioned server, read from its own package. */
export async function serverVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(vscodeServerDir, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

export async function installExtension(dirs: ServerDirs, vsix: string, logFile: string): Promise<void> {
  if (!existsSync(vsix)) throw new Error(`no ${vsix}: run \`npm run package\` first`);
  const child = spawnGroup(node24Bin, [serverMain, ...dataDirArgs(dirs), '--install-extension', vsix, '--force'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collect(child);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (child.pid !== undefined) await stopGroup(child.pid, 1000);
  await writeFile(logFile, output.text());
  if (code !== 0) throw new Error(`installing ${path.basename(vsix)} failed (exit ${code}):\n${output.text()}`);
}

export async function startVscodeServer(
  dirs: ServerDirs,
  options: {
    env?: Record<string, string>;
    logFile: string;
    readyTimeoutMs?: number;
    /**
     * The smoke-test driver (default on) is what makes the built workbench honour extensionDevelopmentPath and
     * extensionTestsPath from the URL payload; it also hides every notification toast. A workbench that runs an
     * installed .vsix needs no payload: off, toasts show as a user sees them.
     */
    smokeTestDriver?: boolean;
  },
): Promise<VscodeServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const args = [
    serverMain,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    ...(options.smokeTestDriver === false ? [] : ['--enable-smoke-test-driver']),
    '--disable-workspace-trust',
    ...dataDirArgs(dirs),
  ];
  await mkdir(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile);
  const child = spawnGroup(node24Bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${node24Bin}`);

  let stopping = false;
  const unexpectedExit = new Promise<never>((_, reject) => {
    child.on('exit', (code, signal) => {
      if (!stopping) reject(new Error(`the VS Code server exited (${signal ?? `exit ${code}`}); log: ${options.logFile}`));
    });
  });
  unexpectedExit.catch(() => undefined); // Observed by callers that race on it; never an unhandled rejection.

  const server: VscodeServer = {
    port,
    origin,
    logFile: options.logFile,
    remoteUri: (absolutePath) => `vscode-remote://127.0.0.1:${port}${absolutePath}`,
    unexpectedExit,
    stop: async () => {
      stopping = true;
      await stopGroup(pid);
      log.end();
    },
  };
  try {
    await Promise.race([waitUntilServing(origin, options.readyTimeoutMs ?? 60_000), unexpectedExit]);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

function dataDirArgs(dirs: ServerDirs): string[] {
  return ['--user-data-dir', dirs.user, '--server-data-dir', dirs.server, '--extensions-dir', dirs.extensions];
}

async function waitUntilServing(origin: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(origin, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(200);
  }
  throw new Error(`the VS Code server did not answer on ${origin} within ${timeoutMs / 1000} s`);
}

function collect(child: ChildProcess): { text(): string } {
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => chunks.push(c));
  child.stderr?.on('data', (c: Buffer) => chunks.push(c));
  return { text: () => Buffer.concat(chunks).toString() };
}
