/** Where the daemon keeps its files, shared by the daemon, the CLI, the client and the extension. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const DEFAULT_PORT = 7421;
export const DEFAULT_HOST = '127.0.0.1';

export interface HomePaths {
  home: string;
  registry: string;
  events: string;
  inbox: string;
  token: string;
  daemonInfo: string;
  lock: string;
  log: string;
  /** Model prices overriding the built-in ones, when the user writes it (see integrations/usage/prices.ts). */
  prices: string;
}

/** `--home`, else `AGENT_TRACKER_HOME`, else `~/.agent-tracker`. */
export function resolveHome(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.AGENT_TRACKER_HOME ?? join(homedir(), '.agent-tracker'));
}

export function homePaths(home: string): HomePaths {
  return {
    home,
    registry: join(home, 'registry.json'),
    events: join(home, 'events'),
    inbox: join(home, 'inbox'),
    token: join(home, 'token'),
    daemonInfo: join(home, 'daemon.json'),
    lock: join(home, 'daemon.lock'),
    log: join(home, 'daemon.log'),
    prices: join(home, 'prices.json'),
  };
}

/** The content of `daemon.json`, written once the daemon listens. */
export interface DaemonInfo {
  pid: number;
  port: number;
  url: string;
  version: string;
  startedAt: string;
}
