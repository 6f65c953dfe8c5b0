/**
 * The append-only event log: JSON Lines in numbered segment files under `events/`, the source of truth.
 *
 * Every line reaches the disk (write + fdatasync) before the promise of the batch it joined resolves, and concurrent
 * appends share one flush (group commit), so a burst of requests costs one fsync rather than one each. Lines with a
 * `seq` are events; the few other lines are bookkeeping records (idempotency, inbox offsets) that must become durable
 * in the same write as the events they belong to.
 *
 * Every write ends with a commit marker, `{"commit":<last seq>}`. A crash in the middle of a large write can leave
 * some of its lines on disk; recovery cuts the log back to the last marker, so a batch is kept whole or not at all
 * (its events never survive without the idempotency or inbox record written with them).
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, ftruncateSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { StorageError } from '../errors.js';

const SEGMENT_BYTES = 64 * 1024 * 1024;
const SEGMENT_PATTERN = /^(\d{16})\.jsonl$/;
const COMMIT_PREFIX = '{"commit":';

export function isCommitMarker(line: string): boolean {
  return line.startsWith(COMMIT_PREFIX);
}

function commitMarker(seq: number): string {
  return `${COMMIT_PREFIX}${seq}}`;
}

export interface Segment {
  firstSeq: number;
  path: string;
}

interface Batch {
  lines: string[];
  /** The highest seq the batch's events reach (its commit marker names it). */
  lastSeq: number;
  afterDurable: (() => void)[];
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class Journal {
  private handle: FileHandle | undefined;
  private size = 0;
  private pending: Batch | undefined;
  private firstSeqOfPending: number | undefined;
  private flushing: Promise<void> | undefined;
  private segments: Segment[];

  /** Called after a failed write, once the file is back to its last durable length. */
  onFailure: (error: StorageError) => void = () => {};

  private constructor(
    readonly dir: string,
    segments: Segment[],
  ) {
    this.segments = segments;
  }

  /** Opens the log, repairing a torn final line left by a crash (it was never acknowledged). */
  static async open(dir: string): Promise<Journal> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const segments = listSegments(dir);
    const journal = new Journal(dir, segments);
    const last = segments.at(-1);
    if (last) {
      repairTail(last.path);
      journal.handle = await open(last.path, 'a', 0o600);
      journal.size = (await journal.handle.stat()).size;
    }
    return journal;
  }

  get segmentList(): readonly Segment[] {
    return this.segments;
  }

  /** Total bytes of the log on disk. */
  totalBytes(): number {
    let total = 0;
    for (const segment of this.segments) {
      total += segment === this.segments.at(-1) ? this.size : statSize(segment.path);
    }
    return total;
  }

  /**
   * Queues lines for the next flush. `afterDurable` runs once they are on disk, in append order, before the promise
   * resolves. `nextSeq` names a new segment if one has to be started.
   */
  append(lines: string[], nextSeq: number, lastSeq: number, afterDurable?: () => void): Promise<void> {
    const batch = (this.pending ??= newBatch());
    for (const line of lines) batch.lines.push(line);
    batch.lastSeq = Math.max(batch.lastSeq, lastSeq);
    if (afterDurable) batch.afterDurable.push(afterDurable);
    this.firstSeqOfPending ??= nextSeq;
    // The flush starts on the next microtask, not now: everything appended in one synchronous step (a command's events
    // and its bookkeeping record, an inbox chunk and its cursor) then lands in the same write, never half in each.
    this.flushing ??= Promise.resolve().then(() => this.flushLoop());
    return batch.promise;
  }

  /** Resolves once everything appended so far is durable. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => {});
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending) {
        const batch = this.pending;
        const firstSeq = this.firstSeqOfPending ?? 1;
        this.pending = undefined;
        this.firstSeqOfPending = undefined;
        await this.writeBatch(batch, firstSeq);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async writeBatch(batch: Batch, firstSeq: number): Promise<void> {
    try {
      if (!this.handle || this.size >= SEGMENT_BYTES) await this.startSegment(firstSeq);
      const handle = this.handle as FileHandle;
      const data = Buffer.from(`${batch.lines.join('\n')}\n${commitMarker(batch.lastSeq)}\n`);
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await handle.write(data, written, data.length - written, this.size + written);
        written += bytesWritten;
      }
      await handle.datasync();
      this.size += data.length;
    } catch (cause) {
      await this.failBatch(batch, new StorageError(cause));
      return;
    }
    for (const callback of batch.afterDurable) callback();
    batch.resolve();
  }

  /** Undo a half-written batch so the log ends on its last durable line, then refuse everything queued behind it. */
  private async failBatch(batch: Batch, error: StorageError): Promise<void> {
    try {
      await this.handle?.truncate(this.size);
    } catch {
      // The recovery on the next start discards a torn tail anyway.
    }
    const queued = this.pending;
    this.pending = undefined;
    this.firstSeqOfPending = undefined;
    batch.reject(error);
    queued?.reject(error);
    this.onFailure(error);
  }

  private async startSegment(firstSeq: number): Promise<void> {
    await this.handle?.close();
    const path = join(this.dir, segmentName(firstSeq));
    this.handle = await open(path, 'a', 0o600);
    this.size = (await this.handle.stat()).size;
    this.segments.push({ firstSeq, path });
    await syncDir(this.dir);
  }

  /**
   * Rewrites the log keeping only the lines `keep` accepts (retention). Each segment is written beside the original,
   * fsynced, then renamed over it, so a crash leaves either the old or the new segment, both valid.
   */
  async rewrite(keep: (line: string) => boolean): Promise<void> {
    // Appends queue up in `pending` while segments are replaced: a line written to a segment between its read and its
    // rename would otherwise be lost, and closing the handle under a running write would fail it.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    while (this.flushing) await this.flushing.catch(() => {});
    this.flushing = gate;
    try {
      for (const segment of this.segments) await this.rewriteSegment(segment, keep);
      await syncDir(this.dir);
    } finally {
      this.flushing = undefined;
      release();
      if (this.pending) this.flushing = this.flushLoop();
    }
  }

  private async rewriteSegment(segment: Segment, keep: (line: string) => boolean): Promise<void> {
    const all = [...readLines(segment.path)].filter((line) => !isCommitMarker(line));
    const lines = all.filter(keep);
    // A segment that loses nothing is left as it is.
    if (lines.length === all.length) return;
    const tmp = `${segment.path}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      // One marker closes the rewritten segment: everything in it is committed.
      await handle.writeFile(lines.length ? `${lines.join('\n')}\n${commitMarker(0)}\n` : '');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    if (segment !== this.segments.at(-1)) {
      await rename(tmp, segment.path);
      return;
    }
    await this.handle?.close();
    try {
      await rename(tmp, segment.path);
    } finally {
      // Reopened whether or not the rename succeeded, so later appends never write through a closed handle.
      this.handle = await open(segment.path, 'a', 0o600);
      this.size = (await this.handle.stat()).size;
    }
  }

  async close(): Promise<void> {
    await this.drain();
    await this.handle?.close();
    this.handle = undefined;
  }
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A batch nobody awaits (fire-and-forget bookkeeping) must not crash the process when it fails.
  promise.catch(() => {});
  return { lines: [], lastSeq: 0, afterDurable: [], promise, resolve, reject };
}

function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(16, '0')}.jsonl`;
}

export function listSegments(dir: string): Segment[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => SEGMENT_PATTERN.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ firstSeq: Number(m[1]), path: join(dir, m[0]) }))
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

/**
 * Cuts the file back to the end of its last commit marker: what follows it is a write the crash interrupted, never
 * acknowledged. A segment without any marker holds no complete write at all.
 */
function repairTail(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const end = endOfLastMarker(fd, size);
    if (end !== size) ftruncateSync(fd, end);
  } finally {
    closeSync(fd);
  }
}

/** Scans backwards for the last line that starts with the marker prefix; returns the offset just past its newline. */
function endOfLastMarker(fd: number, size: number): number {
  const needle = Buffer.from(`\n${COMMIT_PREFIX}`);
  const chunkSize = 64 * 1024;
  // Chunks overlap by more than a whole marker line, so a marker straddling two chunks is seen with its newline.
  const overlap = 64;
  const chunk = Buffer.alloc(chunkSize + overlap);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunkSize);
    const length = Math.min(size, end + overlap) - start;
    readSync(fd, chunk, 0, length, start);
    const view = chunk.subarray(0, length);
    let at = view.lastIndexOf(needle);
    while (at >= 0) {
      const markerEnd = view.indexOf(10, at + 1);
      // A marker whose own newline is missing was torn: look further back.
      if (markerEnd >= 0) return start + markerEnd + 1;
      at = at > 0 ? view.lastIndexOf(needle, at - 1) : -1;
    }
    if (start === 0) {
      // The file's very first line has no newline before it.
      if (view.subarray(0, COMMIT_PREFIX.length).toString() === COMMIT_PREFIX) {
        const markerEnd = view.indexOf(10);
        if (markerEnd >= 0) return markerEnd + 1;
      }
      return 0;
    }
    end = start;
  }
  return 0;
}

/** Reads a segment's lines without holding the whole file as one string. */
export function* readLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(1024 * 1024);
    // A chunk boundary may split a multi-byte character; the decoder carries it over.
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const text = rest + decoder.write(chunk.subarray(0, n));
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line) yield line;
    }
    rest += decoder.end();
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

function statSize(path: string): number {
  try {
    const fd = openSync(path, 'r');
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
}

/** A new or renamed file is durable only once its directory entry is. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
