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
import type { TrackerEvent } from '../../protocol/index.js';
import { StorageError } from '../errors.js';
import { EventIndex, SegmentIndex, type EventPosition } from './eventIndex.js';
import { ByteStrings, eventMeta, eventMetaInBytes, type EventMeta } from './lineMeta.js';
import { encodeStrings } from './utf8.js';
import { whenSettled, handledElsewhere } from '../../protocol/index.js';

const SEGMENT_BYTES = 64 * 1024 * 1024;
const SEGMENT_PATTERN = /^(\d{16})\.jsonl$/;
const COMMIT_PREFIX = '{"commit":';
const NEWLINE = 0x0a;

export function isCommitMarker(line: string): boolean {
  return line.startsWith(COMMIT_PREFIX);
}

function commitMarker(seq: number): string {
  return `${COMMIT_PREFIX}${seq}}`;
}

/**
 * The record a rewrite (compaction, repair) puts before a rewritten segment's marker: its seqs may have gaps, which
 * `doctor` would otherwise report as lost lines. Start-up reads it as a record that holds nothing.
 */
const REWRITTEN_RECORD = '{"rewritten":true}';

export function isRewrittenRecord(line: string): boolean {
  return line === REWRITTEN_RECORD;
}

export interface Segment {
  firstSeq: number;
  path: string;
}

/** What follows a segment's last commit marker: a write that never completed, cut off at start-up. */
export interface TailCut {
  path: string;
  bytes: number;
  /** Non-empty lines in the cut part, the torn last one included. */
  lines: number;
  /** Whether the cut part ends without a newline (a line torn in the middle). */
  torn: boolean;
  /** The seqs of the events the cut lines held, as far as each line shows its own. */
  seqs: number[];
}

/** One line for the daemon's log: exactly what was cut. */
export function describeTailCut(cut: TailCut): string {
  const seqs = cut.seqs.length === 0 ? 'no event seq readable' : `events seq ${formatSeqs(cut.seqs)}`;
  return (
    `event log ${cut.path}: cut ${cut.bytes} bytes after its last commit marker (${cut.lines} ` +
    `line${cut.lines === 1 ? '' : 's'}${cut.torn ? ', the last one torn' : ''}; ${seqs}): a write that never completed`
  );
}

function formatSeqs(seqs: readonly number[]): string {
  const first = seqs[0] as number;
  const last = seqs.at(-1) as number;
  return seqs.length > 1 && last - first === seqs.length - 1 ? `${first}-${last}` : seqs.join(', ');
}

/** The line a scan is at: valid during its visit only (the scan moves it on to the next line), decoded on demand. */
export class ScannedLine {
  segment!: Segment;
  /** 1-based, within the segment. */
  lineNo = 0;
  private bytes!: Buffer;
  private start = 0;
  private end = 0;
  private decoded: string | undefined;

  next(bytes: Buffer, start: number, end: number): void {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.decoded = undefined;
    this.lineNo++;
  }

  text(): string {
    return (this.decoded ??= this.bytes.toString('utf8', this.start, this.end));
  }
}

interface Batch {
  lines: string[];
  /** The event each line holds, where it holds one (bookkeeping lines have none): the index learns their places. */
  events: (TrackerEvent | undefined)[];
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
  /** The batch being written, until its write succeeded or failed. */
  private writing: Batch | undefined;
  private firstSeqOfPending: number | undefined;
  private flushing: Promise<void> | undefined;
  private segments: Segment[];
  /** Where each durable event line lies; events are added once their write is on disk. */
  readonly index = new EventIndex();
  private activeReads = 0;
  private readsDone: (() => void) | undefined;
  private rewriting: Promise<void> | undefined;
  /** What the start-up cut from the last segment, if anything. */
  tailCut: TailCut | null = null;

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
      journal.tailCut = repairTail(last.path);
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
  append(lines: string[], nextSeq: number, lastSeq: number, afterDurable?: () => void, events: readonly TrackerEvent[] = []): Promise<void> {
    const batch = (this.pending ??= newBatch());
    for (let i = 0; i < lines.length; i++) {
      batch.lines.push(lines[i] as string);
      batch.events.push(events[i]);
    }
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
    while (this.flushing) await whenSettled(this.flushing);
  }

  /**
   * Resolves once everything appended so far is on disk, and rejects if any of it failed to get there. Unlike
   * `drain`, it does not wait for what is appended later, which under steady load would be never.
   */
  written(): Promise<void> {
    return (this.pending ?? this.writing)?.promise ?? Promise.resolve();
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending) {
        const batch = this.pending;
        const firstSeq = this.firstSeqOfPending ?? 1;
        this.pending = undefined;
        this.firstSeqOfPending = undefined;
        this.writing = batch;
        await this.writeBatch(batch, firstSeq);
      }
    } finally {
      this.writing = undefined;
      this.flushing = undefined;
    }
  }

  private async writeBatch(batch: Batch, firstSeq: number): Promise<void> {
    try {
      if (!this.handle || this.size >= SEGMENT_BYTES) await this.startSegment(firstSeq);
      const handle = this.handle as FileHandle;
      const { data, ends } = encodeStrings([...batch.lines, commitMarker(batch.lastSeq)], NEWLINE);
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await handle.write(data, written, data.length - written, this.size + written);
        written += bytesWritten;
      }
      await handle.datasync();
      this.indexBatch(batch, ends, this.size);
      this.size += data.length;
    } catch (cause) {
      await this.failBatch(batch, new StorageError(cause));
      return;
    }
    for (const callback of batch.afterDurable) callback();
    batch.resolve();
  }

  /** `ends`: where each of the batch's lines ends in the bytes written at `base`. */
  private indexBatch(batch: Batch, ends: Uint32Array, base: number): void {
    const current = this.segments.at(-1) as Segment;
    const segment = this.index.segmentFor(current.firstSeq, current.path);
    let start = 0;
    for (let i = 0; i < batch.events.length; i++) {
      const event = batch.events[i];
      const end = ends[i] as number;
      if (event) this.index.add(segment, event.seq, base + start, base + end, event.taskId, event.type === 'task.created');
      start = end + 1;
    }
  }

  /**
   * Reads every line of the log once, at start: each event line goes into the index (its seq, type and task found
   * without parsing the whole line), and `visit` sees every line with what was found.
   */
  scan(visit: (meta: EventMeta | null, line: ScannedLine) => void): void {
    this.index.clear();
    const strings = new ByteStrings();
    const line = new ScannedLine();
    for (const segment of this.segments) {
      const indexed = this.index.segmentFor(segment.firstSeq, segment.path, Math.ceil(statSize(segment.path) / BYTES_PER_LINE_GUESS));
      line.segment = segment;
      line.lineNo = 0;
      forEachLine(segment.path, (bytes, start, end, offset) => {
        line.next(bytes, start, end);
        // Most lines are never decoded: their seq, type and task are read from their bytes.
        const meta = eventMetaInBytes(bytes, start, end, strings) ?? eventMeta(line.text());
        if (meta) this.index.add(indexed, meta.seq, offset, offset + end - start, meta.taskId, meta.type === 'task.created');
        visit(meta, line);
      });
      indexed.trim();
    }
  }

  /** The text of the event lines at these positions, in their order; runs of nearby lines are read at once. */
  async read(positions: readonly EventPosition[]): Promise<string[]> {
    while (this.rewriting) await this.rewriting;
    this.activeReads++;
    try {
      const out: string[] = [];
      let i = 0;
      while (i < positions.length) {
        const first = positions[i] as EventPosition;
        let j = i + 1;
        while (j < positions.length) {
          const next = positions[j] as EventPosition;
          const previous = positions[j - 1] as EventPosition;
          if (next.segment !== first.segment || next.start < previous.end || next.start - previous.end > READ_GAP_BYTES) break;
          if (next.end - first.start > READ_RUN_BYTES) break;
          j++;
        }
        const last = positions[j - 1] as EventPosition;
        const buffer = await readRange(first.segment.path, first.start, last.end);
        for (let k = i; k < j; k++) {
          const position = positions[k] as EventPosition;
          out.push(buffer.toString('utf8', position.start - first.start, position.end - first.start));
        }
        i = j;
      }
      return out;
    } finally {
      this.activeReads--;
      if (this.activeReads === 0) this.readsDone?.();
    }
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
    while (this.flushing) await whenSettled(this.flushing);
    this.flushing = gate;
    // Reads wait too, and the rewrite waits for reads in progress: their positions name the bytes of the old segments.
    while (this.rewriting) await this.rewriting;
    this.rewriting = gate;
    if (this.activeReads > 0) await new Promise<void>((resolve) => (this.readsDone = resolve));
    this.readsDone = undefined;
    try {
      for (const segment of this.segments) await this.rewriteSegment(segment, keep);
      await syncDir(this.dir);
    } finally {
      this.flushing = undefined;
      this.rewriting = undefined;
      release();
      if (this.pending) this.flushing = this.flushLoop();
    }
  }

  private async rewriteSegment(segment: Segment, keep: (line: string) => boolean): Promise<void> {
    let reached = 0;
    const all: string[] = [];
    forEachLine(segment.path, (bytes, start, end) => {
      const line = bytes.toString('utf8', start, end);
      if (isCommitMarker(line)) reached = Math.max(reached, markerSeq(line));
      // An earlier rewrite's record: the rewrite writes one of its own.
      else if (!isRewrittenRecord(line)) all.push(line);
    });
    const lines = all.filter(keep);
    // A segment that loses nothing is left as it is.
    if (lines.length === all.length) return;
    const reindexed = new SegmentIndex(segment.firstSeq, segment.path);
    let offset = 0;
    for (const line of lines) {
      const end = offset + Buffer.byteLength(line);
      const meta = eventMeta(line);
      if (meta) reindexed.add(meta.seq, offset, end);
      offset = end + 1;
    }
    const tmp = `${segment.path}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      // One marker closes the rewritten segment: everything in it is committed. It keeps the seq the log had reached,
      // so that a log whose last events were compacted away still says how far it went (see recovery.ts).
      await handle.writeFile(lines.length || reached ? `${lines.map((l) => `${l}\n`).join('')}${REWRITTEN_RECORD}\n${commitMarker(reached)}\n` : '');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    if (segment !== this.segments.at(-1)) {
      await rename(tmp, segment.path);
      this.index.replaceSegment(segment.path, reindexed);
      return;
    }
    await this.handle?.close();
    try {
      await rename(tmp, segment.path);
      this.index.replaceSegment(segment.path, reindexed);
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
  handledElsewhere(promise);
  return { lines: [], events: [], lastSeq: 0, afterDurable: [], promise, resolve, reject };
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

/** The seq a commit marker line names (0 for a marker written by a compaction of an older version). */
export function markerSeq(line: string): number {
  const seq = Number(line.slice(COMMIT_PREFIX.length, -1));
  return Number.isSafeInteger(seq) ? seq : 0;
}

/**
 * Cuts the file back to the end of its last commit marker: what follows it is a write the crash interrupted, never
 * acknowledged. A segment without any marker holds no complete write at all. Returns what was cut.
 */
function repairTail(path: string): TailCut | null {
  const fd = openSync(path, 'r+');
  try {
    const cut = tailAfterLastMarker(fd, path);
    if (cut) ftruncateSync(fd, fstatSync(fd).size - cut.bytes);
    return cut;
  } finally {
    closeSync(fd);
  }
}

/** What follows the last commit marker of a segment, without changing it (`agent-tracker doctor` reads this too). */
export function inspectTail(path: string): TailCut | null {
  const fd = openSync(path, 'r');
  try {
    return tailAfterLastMarker(fd, path);
  } finally {
    closeSync(fd);
  }
}

const SEQ_AT_START = /^\{"seq":(\d+)/;

function tailAfterLastMarker(fd: number, path: string): TailCut | null {
  const size = fstatSync(fd).size;
  const end = endOfLastMarker(fd, size);
  if (end === size) return null;
  const bytes = Buffer.alloc(size - end);
  readSync(fd, bytes, 0, bytes.length, end);
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  const torn = lines.at(-1) !== '';
  if (!torn) lines.pop();
  const seqs: number[] = [];
  let count = 0;
  for (const line of lines) {
    if (line === '') continue;
    count++;
    const match = SEQ_AT_START.exec(line);
    if (match) seqs.push(Number(match[1]));
  }
  return { path, bytes: bytes.length, lines: count, torn, seqs };
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
      const markerEnd = view.indexOf(NEWLINE, at + 1);
      // A marker whose own newline is missing was torn: look further back.
      if (markerEnd >= 0) return start + markerEnd + 1;
      at = at > 0 ? view.lastIndexOf(needle, at - 1) : -1;
    }
    if (start === 0) {
      // The file's very first line has no newline before it.
      if (view.subarray(0, COMMIT_PREFIX.length).toString() === COMMIT_PREFIX) {
        const markerEnd = view.indexOf(NEWLINE);
        if (markerEnd >= 0) return markerEnd + 1;
      }
      return 0;
    }
    end = start;
  }
  return 0;
}

/** Fewer bytes than a line of the log takes on average (with its commit marker): the index is sized from a segment's. */
const BYTES_PER_LINE_GUESS = 200;

/** Runs of event lines closer than this are read in one go (the bookkeeping lines between them come along). */
const READ_GAP_BYTES = 16 * 1024;
/** ...up to this many bytes per read. */
const READ_RUN_BYTES = 1024 * 1024;

async function readRange(path: string, start: number, end: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(end - start);
    let read = 0;
    while (read < buffer.length) {
      const { bytesRead } = await handle.read(buffer, read, buffer.length - read, start + read);
      if (bytesRead === 0) throw new Error(`${path} ends before byte ${end}`);
      read += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}

/**
 * Calls `visit` with each line of a file, reading a chunk at a time rather than holding the whole file: the line is
 * `bytes[start, end)` (newline excluded), at `offset` in the file. The bytes are valid during the call only.
 */
export function forEachLine(path: string, visit: (bytes: Buffer, start: number, end: number, offset: number) => void): void {
  const fd = openSync(path, 'r');
  try {
    let chunk = Buffer.alloc(4 * 1024 * 1024);
    let carried = 0;
    let base = 0;
    for (;;) {
      if (carried === chunk.length) {
        // A line longer than the chunk: a larger chunk holds it.
        const bigger = Buffer.alloc(chunk.length * 2);
        chunk.copy(bigger, 0, 0, carried);
        chunk = bigger;
      }
      const n = readSync(fd, chunk, carried, chunk.length - carried, null);
      const length = carried + n;
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(NEWLINE, start);
        if (newline < 0 || newline >= length) break;
        if (newline > start) visit(chunk, start, newline, base + start);
        start = newline + 1;
      }
      if (n === 0) {
        if (start < length) visit(chunk, start, length, base + start);
        return;
      }
      chunk.copy(chunk, 0, start, length);
      carried = length - start;
      base += start;
    }
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

/** Every line of a file, in order: for files that are read whole anyway (a backup). */
export function* readLines(path: string): Generator<string> {
  const lines: string[] = [];
  forEachLine(path, (bytes, start, end) => {
    lines.push(bytes.toString('utf8', start, end));
  });
  yield* lines;
}
