/**
 * Commits that do not hold the registry's lock while the disk syncs.
 *
 * Every commit takes the seq counter's row lock (commits end in seq order; the feed stays gap-free). With PostgreSQL's
 * usual synchronous commit, the lock is held until the commit is flushed to disk, so the daemons of a team flush one
 * after another, each waiting for the others' disk syncs. So a group is committed with `synchronous_commit = off`
 * (the lock goes as soon as the commit is in the WAL), and then made durable apart: a small transaction that commits
 * synchronously flushes the WAL up to its own commit, and with it every commit before it. Several daemons' flushes
 * then share disk syncs. Nothing is acknowledged before its flush.
 *
 * The price is that a commit is visible before it is durable. A reader therefore takes, with what it reads, the WAL's
 * insert position (past every commit its snapshot sees) and uses nothing it read before the WAL is flushed that far:
 * an event that a database crash would lose is never published, folded or counted.
 */
import type pg from 'pg';

/** The setting for the connection that commits groups. */
export const ASYNC_COMMIT_OPTIONS = '-c synchronous_commit=off';

/**
 * Flushes the WAL at least up to where it was inserting when the statement ran: the statement's transaction gets an id,
 * so its synchronous commit waits for the disk up to its own commit record, which comes after that position.
 */
const FLUSH_SQL = 'SELECT pg_current_xact_id(), pg_current_wal_insert_lsn()::text AS lsn';

/** The WAL's insert position, as a column any read can add: past every commit the statement's snapshot sees. */
export const INSERT_LSN = 'pg_current_wal_insert_lsn()::text';

/** An LSN (`16/B374D848`) as a number that compares. */
export function lsnValue(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high ?? '0'}`) << 32n) | BigInt(`0x${low ?? '0'}`);
}

export class WalFlushes {
  /** The WAL is on disk at least this far. */
  private flushed = 0n;

  /** Flushes everything committed so far (a writer, after committing a group). */
  async flush(pool: pg.Pool): Promise<void> {
    const row = (await pool.query<{ lsn: string }>(FLUSH_SQL)).rows[0];
    if (row) this.note(lsnValue(row.lsn));
  }

  /**
   * Resolves once the WAL is on disk up to `lsn` (a reader, before it uses what it read): at once when this daemon's
   * own flushes got there, else by flushing. Waiting for another daemon's flush instead could wait for a writer that
   * itself waits on this reader (its client's acknowledgement needs this daemon's feed in turn), until the WAL writer's
   * next round.
   */
  async upTo(pool: pg.Pool, lsn: string): Promise<void> {
    if (this.flushed >= lsnValue(lsn)) return;
    await this.flush(pool);
  }

  private note(lsn: bigint): void {
    if (lsn > this.flushed) this.flushed = lsn;
  }
}
