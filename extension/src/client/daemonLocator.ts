/** Finds the daemon to talk to: the `daemonUrl` setting, else the home's `daemon.json`; the token always from the home. */
import { readFile } from 'node:fs/promises';
import { homePaths } from '../../../daemon/src/home.js';
import type { Endpoint } from './daemonClient.js';
import { DaemonInfoSchema } from './responses.js';

export interface LocatorSettings {
  /** Empty: use the home's daemon.json. */
  daemonUrl: string;
  home: string;
}

export type Location =
  | { found: true; endpoint: Endpoint; home: string; pid: number | undefined; source: 'settings' | 'home' }
  | { found: false; home: string; reason: string };

export async function locateDaemon(settings: LocatorSettings): Promise<Location> {
  const paths = homePaths(settings.home);
  const token = (await readText(paths.token))?.trim() || process.env.AGENT_TRACKER_TOKEN;
  if (!token) return { found: false, home: settings.home, reason: `no token in ${paths.token}` };
  if (settings.daemonUrl) {
    return { found: true, endpoint: { url: settings.daemonUrl, token }, home: settings.home, pid: undefined, source: 'settings' };
  }
  const text = await readText(paths.daemonInfo);
  if (text === undefined) return { found: false, home: settings.home, reason: `no daemon running (no ${paths.daemonInfo})` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { found: false, home: settings.home, reason: `${paths.daemonInfo} is not valid JSON` };
  }
  const info = DaemonInfoSchema.safeParse(json);
  if (!info.success) return { found: false, home: settings.home, reason: `${paths.daemonInfo} is malformed` };
  return { found: true, endpoint: { url: info.data.url, token }, home: settings.home, pid: info.data.pid, source: 'home' };
}

/** The pid in the home's daemon.json, if that process is still alive. */
export async function runningDaemonPid(home: string): Promise<number | undefined> {
  const text = await readText(homePaths(home).daemonInfo);
  if (!text) return undefined;
  try {
    const info = DaemonInfoSchema.safeParse(JSON.parse(text));
    return info.success && isAlive(info.data.pid) ? info.data.pid : undefined;
  } catch {
    return undefined;
  }
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

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
