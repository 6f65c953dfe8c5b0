/**
 * Finds the daemon to talk to: an explicit URL and token, else `AGENT_TRACKER_URL` + `AGENT_TRACKER_TOKEN`, else the
 * `daemon.json` and `token` files of the home (`--home`, `AGENT_TRACKER_HOME`, `~/.agent-tracker`).
 */
import { readFile } from 'node:fs/promises';
import { homePaths, resolveHome, type DaemonInfo } from '../home.js';
import { DaemonUnreachableError } from './errors.js';

export interface DaemonEndpoint {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:7421`. */
  url: string;
  token: string;
}

export interface DiscoverOptions {
  url?: string;
  token?: string;
  /** An explicit home wins over `AGENT_TRACKER_URL`: the caller named the daemon it wants. */
  home?: string;
  env?: NodeJS.ProcessEnv;
}

export async function discoverDaemon(options: DiscoverOptions = {}): Promise<DaemonEndpoint> {
  const env = options.env ?? process.env;
  const url = options.url ?? (options.home === undefined ? env.AGENT_TRACKER_URL : undefined);
  if (url) {
    const token = options.token ?? env.AGENT_TRACKER_TOKEN ?? (await readToken(resolveHome(options.home, env)));
    return { url: trimSlash(url), token };
  }
  const home = resolveHome(options.home, env);
  const info = await readDaemonInfo(home);
  const token = options.token ?? (await readToken(home));
  return { url: trimSlash(info.url), token };
}

export async function readDaemonInfo(home: string): Promise<DaemonInfo> {
  const file = homePaths(home).daemonInfo;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new DaemonUnreachableError(`no daemon is running for ${home} (${file} not found)`, { cause });
  }
  const info = parseDaemonInfo(text);
  if (!info) throw new DaemonUnreachableError(`${file} is not a valid daemon.json`);
  return info;
}

function parseDaemonInfo(text: string): DaemonInfo | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const info = value as Partial<DaemonInfo>;
    if (typeof info.url !== 'string' || typeof info.port !== 'number') return undefined;
    return {
      pid: typeof info.pid === 'number' ? info.pid : 0,
      port: info.port,
      url: info.url,
      version: typeof info.version === 'string' ? info.version : 'unknown',
      startedAt: typeof info.startedAt === 'string' ? info.startedAt : '',
    };
  } catch {
    return undefined;
  }
}

async function readToken(home: string): Promise<string> {
  const file = homePaths(home).token;
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (cause) {
    throw new DaemonUnreachableError(`cannot read the daemon token at ${file} (set AGENT_TRACKER_TOKEN)`, { cause });
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
