/**
 * Which Cursor runs here, and which hook events it knows. Cursor ignores a whole hooks.json that names an event it does
 * not know, so we hook only the events of the version found; when no version can be read, only those every Cursor with
 * hooks knows (1.7, where hooks began).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HooksContext } from './agentHooks.js';

/** Our events with the first Cursor version that knows each (from Cursor's hooks docs and changelog). */
export const CURSOR_EVENTS_SINCE = [
  ['sessionStart', '2.5'],
  ['beforeSubmitPrompt', '1.7'],
  ['beforeShellExecution', '1.7'],
  ['afterShellExecution', '2.0'],
  ['beforeMCPExecution', '1.7'],
  ['afterMCPExecution', '2.0'],
  ['afterFileEdit', '1.7'],
  ['afterAgentResponse', '2.0'],
  ['stop', '1.7'],
  ['sessionEnd', '2.5'],
] as const;

/** The version hooks began with: what an unknown version is assumed to be. */
export const CURSOR_BASELINE = '1.7';

/** The events a Cursor of `version` knows (undefined: the baseline's). */
export function cursorEvents(version: string | undefined): string[] {
  const running = parseVersion(version) ?? parseVersion(CURSOR_BASELINE);
  return CURSOR_EVENTS_SINCE.filter(([, since]) => compare(running, parseVersion(since)) >= 0).map(([event]) => event);
}

/** Cursor's CLI starts its whole app to answer `--version`: ask once per PATH and command run. */
const detected = new Map<string, string | undefined>();

/** `cursor --version` (its first line) from PATH, else the macOS app's manifest; undefined when neither answers. */
export function detectCursorVersion(ctx: HooksContext): string | undefined {
  const key = ctx.env['PATH'] ?? '';
  if (!detected.has(key)) detected.set(key, readCursorVersion(ctx));
  return detected.get(key);
}

function readCursorVersion(ctx: HooksContext): string | undefined {
  const dirs = (ctx.env['PATH'] ?? '').split(path.delimiter).filter((dir) => dir !== '');
  const command = dirs.map((dir) => path.join(dir, 'cursor')).find((file) => existsSync(file));
  if (command !== undefined) {
    const run = spawnSync(command, ['--version'], { env: ctx.env, encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    const first = run.stdout?.split('\n')[0]?.trim();
    if (parseVersion(first) !== undefined) return first;
  }
  const manifest = '/Applications/Cursor.app/Contents/Resources/app/package.json';
  try {
    const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' && parseVersion(version) !== undefined ? version : undefined;
  } catch {
    return undefined;
  }
}

function parseVersion(version: string | undefined): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(version ?? '');
  return match === null ? undefined : [Number(match[1]), Number(match[2])];
}

function compare(a: [number, number] | undefined, b: [number, number] | undefined): number {
  if (a === undefined || b === undefined) return -1;
  return a[0] - b[0] || a[1] - b[1];
}
