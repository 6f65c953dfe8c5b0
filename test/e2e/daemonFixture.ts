// A real daemon for the end-to-end tests: the built CLI on a fresh home and a free port, in its own process group.
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../host/hostPaths.js';
import { spawnGroup, stopGroup } from '../host/processGroup.js';
import { waitForDaemon } from '#client';
import { DaemonApi } from './daemonApi.js';

const cli = path.join(repoRoot, 'out', 'daemon', 'src', 'cli.js');

export interface RunningDaemon {
  home: string;
  api: DaemonApi;
  stop(): Promise<void>;
}

export async function startDaemon(options: { logFile: string; agentTimeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<RunningDaemon> {
  if (!existsSync(cli)) throw new Error(`no ${cli}: run \`npm run build\` first`);
  const home = await mkdtemp(path.join(os.tmpdir(), 'agent-tracker-e2e-home-'));
  await mkdir(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile);
  const args = [cli, 'daemon', '--home', home, '--port', '0', '--agent-timeout-ms', String(options.agentTimeoutMs)];
  const child = spawnGroup(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the daemon');
  const stop = async (): Promise<void> => {
    await stopGroup(pid);
    log.end();
    await rm(home, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    let exit: string | undefined;
    child.on('exit', (code) => (exit = `the daemon exited (${code}); log: ${options.logFile}`));
    // daemon.json appears once the daemon listens; its pid tells it from a leftover of another run.
    const { endpoint } = await waitForDaemon(home, pid, () => exit, 30_000);
    return { home, api: new DaemonApi(endpoint.url, endpoint.token), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
