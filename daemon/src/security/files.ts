/** The daemon's secret files: the bearer token and daemon.json, both readable by the owner only. */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { DaemonInfo } from '../home.js';

/** Reads the token, creating it (0600) on first start. */
export function ensureToken(path: string): string {
  if (!existsSync(path)) {
    try {
      writePrivate(path, randomBytes(32).toString('base64url') + '\n', 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(path, 0o600);
  const token = readFileSync(path, 'utf8').trim();
  if (token.length < 16) throw new Error(`the token in ${path} is too short; delete the file to make a new one`);
  return token;
}

/** Written to a temporary file and renamed into place, so a reader never sees half of it. */
export function writeDaemonInfo(path: string, info: DaemonInfo): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writePrivate(tmp, JSON.stringify(info, null, 2) + '\n', 'w');
  renameSync(tmp, path);
}

export function removeDaemonInfo(path: string): void {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as DaemonInfo;
    if (info.pid === process.pid) unlinkSync(path);
  } catch {
    // Not ours, or already gone.
  }
}

function writePrivate(path: string, content: string, flags: 'w' | 'wx'): void {
  const fd = openSync(path, flags, 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(path, 0o600);
}
