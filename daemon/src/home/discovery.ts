/**
 * Finds the daemon to talk to, the same way for every client (CLI, extension, tests, bench): explicit settings first
 * (a URL, a token, a home), then `AGENT_TRACKER_URL` + `AGENT_TRACKER_TOKEN`, then the home's `daemon.json` and `token`
 * (home: the given one, `AGENT_TRACKER_HOME`, `~/.agent-tracker`).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { homePaths, resolveHome, type DaemonInfo } from './home.js';

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

/** Where the endpoint came from: explicit settings, the environment, or the home's files. */
export type EndpointSource = 'settings' | 'environment' | 'home';

export type Location =
  | { found: true; endpoint: DaemonEndpoint; home: string; source: EndpointSource; pid: number | undefined }
  | { found: false; home: string; reason: string };

/** `daemon.json`, as the daemon writes it once it listens. */
export const DaemonInfoSchema = z.object({
  pid: z.int(),
  port: z.int(),
  url: z.string(),
  version: z.string(),
  startedAt: z.string(),
});

/** Never throws: a daemon that cannot be found is a `found: false` with the reason. */
export async function locateDaemon(options: DiscoverOptions = {}): Promise<Location> {
  const env = options.env ?? process.env;
  const home = resolveHome(options.home, env);
  const fromEnv = options.url === undefined && options.home === undefined ? env.AGENT_TRACKER_URL || undefined : undefined;
  const url = options.url || fromEnv;
  if (url) {
    // A URL from the settings goes with the home's token; AGENT_TRACKER_URL with AGENT_TRACKER_TOKEN.
    const envToken = env.AGENT_TRACKER_TOKEN || undefined;
    const token = options.token ?? (options.url ? ((await readToken(home)) ?? envToken) : (envToken ?? (await readToken(home))));
    if (token === undefined) return { found: false, home, reason: `no token: set AGENT_TRACKER_TOKEN or create ${homePaths(home).token}` };
    return { found: true, endpoint: { url: trimSlash(url), token }, home, source: options.url ? 'settings' : 'environment', pid: undefined };
  }
  const info = await readDaemonInfo(home);
  if (typeof info === 'string') return { found: false, home, reason: info };
  const token = options.token ?? (await readToken(home));
  if (token === undefined) return { found: false, home, reason: `cannot read the daemon token at ${homePaths(home).token}` };
  return { found: true, endpoint: { url: trimSlash(info.url), token }, home, source: 'home', pid: info.pid };
}

/** The home's `daemon.json`, or why there is none to read. */
export async function readDaemonInfo(home: string): Promise<DaemonInfo | string> {
  const file = homePaths(home).daemonInfo;
  const text = await readText(file);
  if (text === undefined) return `no daemon is running for ${home} (${file} not found)`;
  try {
    const info = DaemonInfoSchema.safeParse(JSON.parse(text));
    return info.success ? info.data : `${file} is not a valid daemon.json`;
  } catch {
    return `${file} is not valid JSON`;
  }
}

async function readToken(home: string): Promise<string | undefined> {
  return (await readText(homePaths(home).token))?.trim() || undefined;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
