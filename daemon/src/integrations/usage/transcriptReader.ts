/**
 * Follows transcripts as agents append to them: each read returns the requests recorded since the last one. A torn last
 * line (the agent is writing it) waits for its newline; a missing or unreadable file yields nothing; a file that got
 * shorter (rewritten) is read again from its start, which only repeats requests the caller already counted by id.
 */
import { open } from 'node:fs/promises';
import type { TranscriptFormat } from '../hooks/adapter.js';
import { BUILT_IN_PRICES, type PriceTable } from './prices.js';
import { requestUsageOf, type RequestUsage } from './transcripts.js';

/** How much of one transcript a read takes at most (the rest waits for the next read). */
const MAX_READ_BYTES = 8 * 1024 * 1024;
/** Transcripts followed at once; the least recently read is forgotten beyond this (and read from its start if seen again). */
const MAX_FILES = 500;

export class TranscriptReader {
  private readonly offsets = new Map<string, number>();
  private readonly reading = new Map<string, Promise<RequestUsage[]>>();

  constructor(private readonly prices: PriceTable = BUILT_IN_PRICES) {}

  /** The requests appended to `path` since the last read of it (reads of one file are serialized). */
  readNew(path: string, format: TranscriptFormat): Promise<RequestUsage[]> {
    const previous = this.reading.get(path) ?? Promise.resolve([]);
    const next = previous.catch(() => []).then(() => this.read(path, format));
    this.reading.set(path, next);
    void next.finally(() => {
      if (this.reading.get(path) === next) this.reading.delete(path);
    }).catch(() => {});
    return next;
  }

  private async read(path: string, format: TranscriptFormat): Promise<RequestUsage[]> {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch {
      return [];
    }
    try {
      const { size } = await handle.stat();
      let offset = this.offsets.get(path) ?? 0;
      if (offset > size) offset = 0;
      const length = Math.min(size - offset, MAX_READ_BYTES);
      if (length <= 0) return [];
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      const chunk = buffer.subarray(0, bytesRead);
      const end = chunk.lastIndexOf(0x0a);
      if (end < 0) return [];
      this.remember(path, offset + end + 1);
      return parseLines(chunk.toString('utf8', 0, end), format, this.prices);
    } catch {
      return [];
    } finally {
      await handle.close();
    }
  }

  private remember(path: string, offset: number): void {
    this.offsets.delete(path);
    this.offsets.set(path, offset);
    if (this.offsets.size > MAX_FILES) this.offsets.delete(this.offsets.keys().next().value as string);
  }
}

/** The requests of complete lines, each id once (its first record: later ones repeat it as the message grows). */
export function parseLines(text: string, format: TranscriptFormat, prices: PriceTable = BUILT_IN_PRICES): RequestUsage[] {
  const seen = new Set<string>();
  const out: RequestUsage[] = [];
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
