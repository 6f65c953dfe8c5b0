/** The daemon's secret files: the bearer token and daemon.json, both readable by the owner only. */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import type { DaemonInfo } from './home.js';

/**
 * Creates a folder for the owner only, or tightens an existing one to 0700 (a home made by hand, or by an older
 * version, may be readable by others). The home may be a link to a folder elsewhere (the user's choice); folders inside
 * it may not, or reading them would leave the home.
 */
export function ensurePrivateDir(path: string, options: { linkAllowed: boolean }): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (!options.linkAllowed && lstatSync(path).isSymbolicLink()) {
    throw new Error(`${path} is a symbolic link; it must be a folder inside the home`);
  }
  const stat = statSync(path);
  if (!stat.isDirectory()) throw new Error(`${path} is not a folder`);
  if ((stat.mode & 0o777) !== 0o700) chmodSync(path, 0o700);
}

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
