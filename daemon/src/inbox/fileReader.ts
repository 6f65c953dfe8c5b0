/**
 * Reads one inbox file from its cursor to its end and applies every complete line.
 *
 * The cursor lives in the registry (`state.inbox`), not here: it is committed with the events of the lines before it
 * in one synchronous step, so both land in the same write of the event log (exactly once across crashes), and after a
 * storage failure the registry rebuilt from disk says where to resume. A partial last line is left for the next read.
 */
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { handledElsewhere, describeError, findTooDeep, MAX_JSON_DEPTH } from '../protocol/index.js';
import { applyCommand } from '../engine/activity/commands.js';
import type { HookPayloads } from '../engine/activity/hookPayloads.js';
import type { Tracker } from '../engine/tracker.js';
import type { InboxCursor } from '../store/records.js';
import { isOutOfDescriptors, openRegularFile } from '../common/regularFile.js';

export interface ReaderTuning {
  /** Bytes read and applied in one step (one cursor record per step). */
  chunkBytes: number;
  /** A line longer than this is refused as invalid (the bound on what a line may make the daemon hold). */
  maxLineBytes: number;
}

export type LineOutcome = 'applied' | 'duplicate' | 'invalid';

export interface ReaderEvents {
  line(outcome: LineOutcome, file: string, offset: number, problem?: string): void;
  restarted(file: string, why: string): void;
  /** The name is not a regular file (a link, a FIFO, a device, a folder): it is never opened. Reported once per kind. */
  refused(file: string, kind: string): void;
}

/** What the reader keeps between reads of one file. */
export interface ReaderMemory {
  /** An over-long line being skipped: where it starts, and how far the search for its end got. */
  skipping?: { identity: string; from: number; scanned: number };
  /** Why the name was last refused, so that the rescan every second does not report it again. */
  refused?: string;
}

/** The process is out of file descriptors: the read is given up for now and retried by a later pass. */
export class DescriptorsExhausted extends Error {}

const NEWLINE = 0x0a;

export class FileReader {
  constructor(
    private readonly tracker: Tracker,
    /** Maps the agents' payloads of `hook` lines. */
    private readonly hooks: HookPayloads | undefined,
    private readonly dir: string,
    private readonly tuning: ReaderTuning,
    private readonly events: ReaderEvents,
  ) {}

  /** Reads `name` to its end; returns when it is caught up (or gone, or the store refuses writes for now). */
  async readToEnd(name: string, memory: ReaderMemory, stop: () => boolean): Promise<void> {
    const handle = await this.openRegular(name, memory);
    if (!handle) return;
    try {
      const stat = await handle.stat();
      // Inode and birth time: a file replaced under the same name (or a reused inode) is a new file.
      const identity = `${stat.ino}:${stat.birthtimeMs}`;
      while (!stop()) {
        const { size } = await handle.stat();
        const offset = this.startOffset(name, identity, size);
        if (offset >= size) return;
        const skipping = memory.skipping;
        if (skipping && skipping.identity === identity && skipping.from === offset) {
          if (!(await this.skipLongLine(handle, name, identity, memory, size))) return;
          continue;
        }
        // At least one byte more than the longest line allowed, so that a chunk without a newline proves a line too long.
        const length = Math.min(Math.max(this.tuning.chunkBytes, this.tuning.maxLineBytes + 1), size - offset);
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        const step = this.applyLines(name, identity, offset, buffer.subarray(0, bytesRead));
        if (step === 'unavailable') return;
        if (step === null) {
          // No complete line in the chunk: a partial line waits for its newline, unless it is already too long.
          if (bytesRead <= this.tuning.maxLineBytes) return;
          memory.skipping = { identity, from: offset, scanned: offset + bytesRead };
          continue;
        }
        await step;
      }
    } finally {
      await handle.close();
    }
  }

  /**
   * Opens `name` only if it is a regular file of the inbox folder itself: lstat first (a link is refused, not followed),
   * then open without following links or blocking, then check that the opened file is the one lstat saw (nothing
   * swapped it in between). Returns undefined when there is nothing to read.
   */
  private async openRegular(name: string, memory: ReaderMemory): Promise<FileHandle | undefined> {
    let opened;
    try {
      opened = await openRegularFile(join(this.dir, name));
    } catch (error) {
      if (isOutOfDescriptors(error)) throw new DescriptorsExhausted(`no file descriptor left (${(error as NodeJS.ErrnoException).code})`);
      throw error;
    }
    if (opened.ok) {
      memory.refused = undefined;
      return opened.handle;
    }
    if (!opened.missing) return this.refuse(name, memory, opened.kind);
    this.forget(name);
    return undefined;
  }

  private refuse(name: string, memory: ReaderMemory, kind: string): undefined {
    if (memory.refused !== kind) this.events.refused(name, kind);
    memory.refused = kind;
    return undefined;
  }

  /** Where to read from: the cursor, unless the file is another one or shorter than the cursor (truncated). */
  private startOffset(name: string, identity: string, size: number): number {
    const cursor = this.tracker.inboxCursor(name);
    if (!cursor || cursor.identity === '' || cursor.offset === 0) return 0;
    if (cursor.identity === identity && cursor.offset <= size) return cursor.offset;
    if (cursor.identity === identity) this.events.restarted(name, `truncated below its cursor (${size} < ${cursor.offset})`);
    else this.events.restarted(name, 'replaced by another file');
    handledElsewhere(this.commitCursor(name, '', 0));
    return 0;
  }

  /**
   * Applies the complete lines of one chunk and commits the cursor past them, all in one synchronous step. Returns the
   * promise of that write, null when the chunk holds no complete line, or 'unavailable' when the store refused.
   */
  private applyLines(name: string, identity: string, start: number, chunk: Buffer): Promise<void> | null | 'unavailable' {
    let position = 0;
    let refused = false;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, position);
      if (newline < 0) break;
      const end = newline > position && chunk[newline - 1] === 0x0d ? newline - 1 : newline;
      // The same limit whether the line arrived whole or in pieces (then skipLongLine refuses it).
      const outcome =
        end - position > this.tuning.maxLineBytes
          ? this.tooLong(name, start + position)
          : this.applyLine(name, start + position, chunk.toString('utf8', position, end));
      if (outcome === 'unavailable') {
        refused = true;
        break;
      }
      position = newline + 1;
    }
    if (position === 0) return refused ? 'unavailable' : null;
    const durable = this.commitCursor(name, identity, start + position);
    return durable ?? 'unavailable';
  }

  private applyLine(name: string, offset: number, text: string): LineOutcome | 'unavailable' | 'blank' {
    if (text.trim() === '') return 'blank';
    let raw: unknown;
    try {
      // A byte-order mark, as some Windows editors write at the start of a file, is not part of the JSON.
      raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      this.events.line('invalid', name, offset, 'not JSON');
      return 'invalid';
    }
    const tooDeep = findTooDeep(raw);
    if (tooDeep !== null) {
      this.events.line('invalid', name, offset, `nested deeper than ${MAX_JSON_DEPTH} levels (at ${tooDeep.slice(0, 80)})`);
      return 'invalid';
    }
    let applied;
    try {
      applied = applyCommand(this.tracker, this.hooks, raw);
    } catch (error) {
      // Whatever went wrong changed nothing (the store encodes before it applies): the line is refused, the lines before
      // it keep their place in this chunk's cursor, so none of them is ever applied again.
      this.events.line('invalid', name, offset, `refused: ${describeError(error)}`);
      return 'invalid';
    }
    const { result, durable } = applied;
    // The cursor's write is the one awaited; this one shares its batch and fails with it.
    handledElsewhere(durable);
    if (result.ok) {
      const outcome = result.duplicate ? 'duplicate' : 'applied';
      this.events.line(outcome, name, offset);
      return outcome;
    }
    if (result.error.code === 'unavailable') return 'unavailable';
    this.events.line('invalid', name, offset, `${result.error.code}: ${result.error.message}${detailText(result.error.details)}`);
    return 'invalid';
  }

  /** Searches for the end of an over-long line without holding it; refuses it once found. Returns false to wait. */
  private async skipLongLine(handle: FileHandle, name: string, identity: string, memory: ReaderMemory, size: number): Promise<boolean> {
    const skipping = memory.skipping as NonNullable<ReaderMemory['skipping']>;
    const buffer = Buffer.allocUnsafe(this.tuning.chunkBytes);
    while (skipping.scanned < size) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - skipping.scanned), skipping.scanned);
      if (bytesRead === 0) break;
      const newline = buffer.subarray(0, bytesRead).indexOf(NEWLINE);
      if (newline >= 0) {
        const end = skipping.scanned + newline + 1;
        memory.skipping = undefined;
        this.tooLong(name, skipping.from);
        const durable = this.commitCursor(name, identity, end);
        if (!durable) return false;
        await durable;
        return true;
      }
      skipping.scanned += bytesRead;
    }
    return false;
  }

  private tooLong(name: string, offset: number): 'invalid' {
    this.events.line('invalid', name, offset, `line longer than ${this.tuning.maxLineBytes} bytes`);
    return 'invalid';
  }

  /** A file that is gone loses its cursor, so that a new file under its name is read from its start. */
  private forget(name: string): void {
    const cursor = this.tracker.inboxCursor(name);
    if (cursor && cursor.identity !== '') handledElsewhere(this.commitCursor(name, '', 0));
  }

  private commitCursor(name: string, identity: string, offset: number): Promise<void> | undefined {
    const cursor: InboxCursor = { file: name, identity, offset, rev: (this.tracker.inboxCursor(name)?.rev ?? 0) + 1 };
    try {
      return this.tracker.record({ inbox: cursor });
    } catch {
      // The store refuses writes while it rebuilds after a storage failure; the next rescan resumes from its cursor.
      return undefined;
    }
  }
}

function detailText(details: unknown): string {
  if (!Array.isArray(details) || details.length === 0) return '';
  const first = details[0] as { path?: string; message?: string };
  return ` (${first.path ? `${first.path}: ` : ''}${first.message ?? ''}${details.length > 1 ? `, +${details.length - 1} more` : ''})`;
}
