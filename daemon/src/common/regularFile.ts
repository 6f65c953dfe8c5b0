/**
 * Opening a path that something outside the daemon named (an inbox file, a transcript a hook payload points at, the
 * forwarder's spool) only when it is a regular file, and never in a way that can wait. Opening a FIFO for reading
 * blocks a libuv worker thread until a writer comes (with four of them, every file operation of the process), a device
 * may do anything on open, and a link may lead anywhere. So: look first (lstat, or stat where links are the user's
 * business), open non-blocking, then check that what was opened is a regular file and the one that was looked at.
 *
 * Node builtins only: the hook forwarder bundles this.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, writeSync, type Stats } from 'node:fs';
import { lstat, open, stat, type FileHandle } from 'node:fs/promises';
import { bestEffort } from '../protocol/promises.js';

export type RegularOpen =
  | { ok: true; handle: FileHandle; stat: Stats }
  | { ok: false; missing: true }
  /** `kind` says what was there instead ("a FIFO", "a dangling symbolic link", ...). */
  | { ok: false; missing: false; kind: string };

export interface RegularOpenOptions {
  /** O_RDONLY by default; pass O_WRONLY | O_APPEND to append. */
  flags?: number;
  /** Follow symbolic links to a regular file (a transcript may be linked); by default a link is refused. */
  followLinks?: boolean;
  /** Create the file (mode 0600) when there is none. */
  create?: boolean;
}

/** Flags unknown to the platform (Windows has no O_NOFOLLOW or O_NONBLOCK) count as 0. */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const NON_BLOCKING = constants.O_NONBLOCK ?? 0;
const OUT_OF_DESCRIPTORS = new Set(['EMFILE', 'ENFILE']);

/** Opens `path` if it is a regular file; throws only for errors other than "missing" or "not a regular file". */
export async function openRegularFile(path: string, options: RegularOpenOptions = {}): Promise<RegularOpen> {
  const follow = options.followLinks === true;
  let seen: Stats | undefined;
  try {
    seen = follow ? await stat(path) : await lstat(path);
  } catch (error) {
    if (code(error) !== 'ENOENT') throw error;
    if (follow && (await isLink(path))) return refused('a dangling symbolic link');
    if (!options.create) return { ok: false, missing: true };
  }
  if (seen !== undefined && !seen.isFile()) return refused(describeNonRegular(seen));
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, openFlags(options), 0o600);
    const opened = await handle.stat();
    const why = notTheFileSeen(opened, seen);
    if (why === undefined) return { ok: true, handle, stat: opened };
    await handle.close();
    return refused(why);
  } catch (error) {
    await bestEffort(handle?.close());
    return openFailure(error);
  }
}

/**
 * The same for the hook forwarder, synchronously: it only ever opens two small files and its spool, where a thread
 * pool round trip per call costs more than the call (regular files opened non-blocking never wait).
 */
export function openRegularFileSync(path: string, options: RegularOpenOptions = {}): RegularOpenSync {
  const follow = options.followLinks === true;
  let seen: Stats | undefined;
  try {
    seen = follow ? statSync(path) : lstatSync(path);
  } catch (error) {
    if (code(error) !== 'ENOENT') throw error;
    if (!options.create) return { ok: false, missing: true };
  }
  if (seen !== undefined && !seen.isFile()) return refused(describeNonRegular(seen));
  let fd: number | undefined;
  try {
    fd = openSync(path, openFlags(options), 0o600);
    const opened = fstatSync(fd);
    const why = notTheFileSeen(opened, seen);
    if (why === undefined) return { ok: true, fd, stat: opened };
    closeSync(fd);
    return refused(why);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    return openFailure(error);
  }
}

/** Reads at most `maxBytes` of a small regular file, synchronously; undefined if it is none. */
export function readRegularFileSync(path: string, maxBytes: number): string | undefined {
  let opened: RegularOpenSync;
  try {
    opened = openRegularFileSync(path);
  } catch {
    return undefined;
  }
  if (!opened.ok) return undefined;
  try {
    const buffer = Buffer.allocUnsafe(Math.min(maxBytes, Math.max(0, opened.stat.size)));
    const bytesRead = readSync(opened.fd, buffer, 0, buffer.length, 0);
    return buffer.toString('utf8', 0, bytesRead);
  } catch {
    return undefined;
  } finally {
    closeSync(opened.fd);
  }
}

/** Appends `text` to a regular file (created 0600 if missing) in one write; false when it is not one. */
export function appendRegularFileSync(path: string, text: string): boolean {
  const opened = openRegularFileSync(path, { flags: constants.O_WRONLY | constants.O_APPEND, create: true });
  if (!opened.ok) return false;
  try {
    writeSync(opened.fd, text);
    return true;
  } finally {
    closeSync(opened.fd);
  }
}

export type RegularOpenSync =
  | { ok: true; fd: number; stat: Stats }
  | { ok: false; missing: true }
  | { ok: false; missing: false; kind: string };

function openFlags(options: RegularOpenOptions): number {
  return (options.flags ?? constants.O_RDONLY) | NON_BLOCKING | (options.followLinks ? 0 : NO_FOLLOW) | (options.create ? constants.O_CREAT : 0);
}

/** Why what was opened is not the regular file that was looked at (undefined: it is). */
function notTheFileSeen(opened: Stats, seen: Stats | undefined): string | undefined {
  if (!opened.isFile()) return describeNonRegular(opened);
  if (seen !== undefined && (opened.ino !== seen.ino || opened.dev !== seen.dev)) return 'a file replaced while it was opened';
  return undefined;
}

function openFailure(error: unknown): { ok: false; missing: true } | { ok: false; missing: false; kind: string } {
  const why = code(error);
  if (why === 'ENOENT') return { ok: false, missing: true };
  // O_NOFOLLOW on a link that appeared after lstat.
  if (why === 'ELOOP') return refused('a symbolic link');
  // A FIFO opened for writing with no reader (it appeared after lstat).
  if (why === 'ENXIO') return refused('a FIFO');
  throw error;
}

/** What a path that is not a regular file is, in words for a warning. */
export function describeNonRegular(seen: Stats): string {
  if (seen.isSymbolicLink()) return 'a symbolic link';
  if (seen.isFIFO()) return 'a FIFO';
  if (seen.isDirectory()) return 'a folder';
  if (seen.isSocket()) return 'a socket';
  if (seen.isCharacterDevice() || seen.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** The process is out of file descriptors (the caller retries later rather than giving the file up). */
export function isOutOfDescriptors(error: unknown): boolean {
  return OUT_OF_DESCRIPTORS.has(code(error));
}

function refused(kind: string): { ok: false; missing: false; kind: string } {
  return { ok: false, missing: false, kind };
}

async function isLink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? '';
}
