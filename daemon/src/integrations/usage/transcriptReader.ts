/**
 * Follows transcripts as agents append to them: each read returns the requests recorded since the last one. A torn last
 * line (the agent is writing it) waits for its newline; a missing or unreadable file yields nothing; a file that got
 * shorter (rewritten) is read again from its start, which only repeats requests the caller already counted by id.
 *
 * The path comes from a hook payload, so it is anyone's: it is read only when it is a regular file (links to one are
 * fine: a transcript folder may be linked), opened without waiting (a FIFO would hold a worker thread, and with four
 * of them every file write of the daemon, for good). A FIFO, device, folder or dangling link is skipped with one
 * warning. A file is known by its device and inode, not its spelling: 400 spellings of one transcript are one file
 * read once. What one read takes is bounded, and so is what all reads in flight hold together.
 */
import { stat } from 'node:fs/promises';
import { openRegularFile, type RegularOpen } from '../../common/regularFile.js';
import { BUILT_IN_PRICES, type PriceTable } from './prices.js';
import { requestUsageOf } from './transcripts.js';
import { whenSettled, handledElsewhere, bestEffort, orUndefined, type TranscriptFormat, type TranscriptRequest } from '../../protocol/index.js';

/** How much of one transcript a read takes at most (the rest waits for the next read). */
export const MAX_READ_BYTES = 8 * 1024 * 1024;
/** What all transcript reads in flight hold together at most (their buffers); a read waits for room. */
export const MAX_HELD_BYTES = 16 * 1024 * 1024;
/** Transcripts followed at once; the least recently read is forgotten beyond this (and read from its start if seen again). */
const MAX_FILES = 500;
/** Paths already warned about (not regular files), so that every hook naming one does not warn again. */
const MAX_WARNED = 1000;

export interface TranscriptStats {
  /** Transcripts followed: distinct files, however many spellings named them. */
  files: number;
  /** Bytes the reads in flight hold now, and the most they ever held together. */
  heldBytes: number;
  heldBytesPeak: number;
  /** Reads of a path that is not a regular file (FIFO, device, folder, dangling link), skipped. */
  refused: number;
}

export class TranscriptReader {
  private readonly offsets = new Map<string, number>();
  private readonly reading = new Map<string, Promise<TranscriptRequest[]>>();
  private readonly budget = new ByteBudget(MAX_HELD_BYTES);
  private readonly warned = new Set<string>();
  private refused = 0;

  constructor(
    private readonly prices: PriceTable = BUILT_IN_PRICES,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  stats(): TranscriptStats {
    return { files: this.offsets.size, heldBytes: this.budget.held, heldBytesPeak: this.budget.peak, refused: this.refused };
  }

  /** The requests appended to `path` since the last read of that file (reads of one file are serialized). */
  async readNew(path: string, format: TranscriptFormat): Promise<TranscriptRequest[]> {
    // Known by what it is, before it is opened: a read waiting its turn holds no descriptor.
    const seen = await orUndefined(stat(path));
    if (seen === undefined || !seen.isFile()) return this.open(path).then(() => []);
    const identity = `${seen.dev}:${seen.ino}`;
    const previous = this.reading.get(identity) ?? Promise.resolve([]);
    const next = whenSettled(previous).then(() => this.read(path, identity, format));
    this.reading.set(identity, next);
    handledElsewhere(
      next.finally(() => {
        if (this.reading.get(identity) === next) this.reading.delete(identity);
      }),
    );
    return next;
  }

  /** Opens `path` if it is a regular file; warns (once per path) when it is something else. */
  private async open(path: string): Promise<RegularOpen | undefined> {
    const opened = await orUndefined(openRegularFile(path, { followLinks: true }));
    if (opened === undefined || opened.ok) return opened;
    if (!opened.missing) this.refuse(path, opened.kind);
    return undefined;
  }

  private async read(path: string, identity: string, format: TranscriptFormat): Promise<TranscriptRequest[]> {
    const opened = await this.open(path);
    if (opened === undefined || !opened.ok) return [];
    const { handle, stat: now } = opened;
    try {
      // Replaced since it was looked at: the next read follows the new file.
      if (`${now.dev}:${now.ino}` !== identity) return [];
      let offset = this.offsets.get(identity) ?? 0;
      if (offset > now.size) offset = 0;
      const length = Math.min(now.size - offset, MAX_READ_BYTES);
      if (length <= 0) return [];
      await this.budget.acquire(length);
      try {
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        const chunk = buffer.subarray(0, bytesRead);
        const end = chunk.lastIndexOf(0x0a);
        if (end < 0) return [];
        this.remember(identity, offset + end + 1);
        return parseLines(chunk.toString('utf8', 0, end), format, this.prices);
      } finally {
        this.budget.release(length);
      }
    } catch {
      return [];
    } finally {
      await bestEffort(handle.close());
    }
  }

  private refuse(path: string, kind: string): void {
    this.refused++;
    if (this.warned.has(path)) return;
    if (this.warned.size >= MAX_WARNED) this.warned.delete(this.warned.values().next().value as string);
    this.warned.add(path);
    this.warn(`transcript ${JSON.stringify(path.slice(0, 300))} skipped: ${kind}, not a regular file`);
  }

  private remember(identity: string, offset: number): void {
    this.offsets.delete(identity);
    this.offsets.set(identity, offset);
    if (this.offsets.size > MAX_FILES) this.offsets.delete(this.offsets.keys().next().value as string);
  }
}

/** Bytes handed out up to a limit; a request waits (first come, first served) until enough is given back. */
class ByteBudget {
  held = 0;
  peak = 0;
  private readonly waiting: { bytes: number; go: () => void }[] = [];

  constructor(private readonly limit: number) {}

  acquire(bytes: number): Promise<void> {
    if (this.waiting.length === 0 && this.held + bytes <= this.limit) {
      this.take(bytes);
      return Promise.resolve();
    }
    return new Promise((go) => this.waiting.push({ bytes, go }));
  }

  release(bytes: number): void {
    this.held -= bytes;
    while (this.waiting.length > 0) {
      const first = this.waiting[0] as { bytes: number; go: () => void };
      if (this.held + first.bytes > this.limit) break;
      this.waiting.shift();
      this.take(first.bytes);
      first.go();
    }
  }

  private take(bytes: number): void {
    this.held += bytes;
    this.peak = Math.max(this.peak, this.held);
  }
}

/** The requests of complete lines, each id once (its first record: later ones repeat it as the message grows). */
export function parseLines(text: string, format: TranscriptFormat, prices: PriceTable = BUILT_IN_PRICES): TranscriptRequest[] {
  const seen = new Set<string>();
  const out: TranscriptRequest[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const usage = requestUsageOf(format, value as Record<string, unknown>, prices);
    if (!usage || seen.has(usage.id)) continue;
    seen.add(usage.id);
    out.push(usage);
  }
  return out;
}
