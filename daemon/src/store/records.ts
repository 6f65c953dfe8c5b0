/**
 * The records a store keeps beside the events: idempotency records and inbox cursors (written in the same durable
 * step as the events they belong to), and the events as the store serves them back.
 */

/** A stored response to replay for a repeated Idempotency-Key, or the mark of a batch/inbox command already applied. */
export interface IdempotencyRecord {
  key: string;
  hash: string;
  status: number;
  body: unknown;
  at: string;
}

/**
 * The names the inbox reads: plain `.jsonl` file names inside `inbox/`, never a path. A cursor is kept under such a
 * name only, so that no cursor (a backup's included) can make the daemon read a file elsewhere.
 */
export function isInboxFileName(name: string): boolean {
  // eslint-disable-next-line no-control-regex -- a NUL in a file name is refused here
  return /^[^/\\\u0000]+\.jsonl$/.test(name);
}

/** How far an inbox file has been applied: persisted in the same write as the events of its lines. */
export interface InboxCursor {
  file: string;
  /** Identity of the file the offset belongs to (inode + birth time): a replaced file starts again from 0. */
  identity: string;
  offset: number;
  /** Grows with every update of this file's cursor: recovery keeps the newest of the snapshot's and the log's. */
  rev: number;
}

/** Bookkeeping written in the same durable step as a commit's events (or alone, with no events). */
export interface CommitExtras {
  idempotency?: IdempotencyRecord;
  inbox?: InboxCursor;
}

/** A durable event as the store keeps it: its seq and its JSON text (sent on as it is, never parsed and re-encoded). */
export interface StoredEvent {
  seq: number;
  json: string;
}

/**
 * The first events of a page whose JSON adds up to `maxBytes` (the one that crosses it included, so a page is never
 * empty while events remain): stream catch-up bounds each step by bytes, whatever the size of the events.
 */
export function withinBytes<T>(items: readonly T[], maxBytes: number, bytesOf: (item: T) => number): T[] {
  let bytes = 0;
  for (let i = 0; i < items.length; i++) {
    bytes += bytesOf(items[i] as T);
    if (bytes >= maxBytes) return items.slice(0, i + 1);
  }
  return items.slice();
}

/** How long an idempotency record is kept (the contract asks for at least 24 h); compaction drops older ones. */
export const IDEMPOTENCY_TTL_MS = 48 * 60 * 60 * 1000;
