/**
 * Restores a backup into a PostgreSQL database: the schema brought up to date, then, in one transaction, the events
 * with their seqs, the tasks, agents, idempotency records and inbox cursors, and the seq counter at the backup's seq.
 * A database whose leader lock is held has a daemon on it and is refused; one that holds a registry is refused unless
 * `force`, which replaces it.
 */
import { hostname } from 'node:os';
import pg from 'pg';
import type { BackupImage } from '../backup.js';
import { migrate } from './migrate.js';
import { LEADER_LOCK } from './leaderLock.js';
import { connectionConfig, describeUrl } from './pgStore.js';
import { bestEffort } from '../../protocol/index.js';

export class DatabaseRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseRefusedError';
  }
}

const ROWS_PER_INSERT = 1000;

/** `home` names the daemon whose inbox cursors the backup's become (the inbox is per machine). */
export async function restoreIntoDatabase(url: string, image: BackupImage, options: { force: boolean; home: string }): Promise<void> {
  const client = new pg.Client(connectionConfig(url));
  await client.connect();
  try {
    await migrate(client);
    const locked = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [LEADER_LOCK]);
    if (!locked.rows[0]?.locked) throw new DatabaseRefusedError(`a daemon is running on ${describeUrl(url)}; stop every daemon on it first`);
    await client.query('BEGIN');
    try {
      const held = await client.query<{ seq: string; tasks: string }>('SELECT (SELECT seq FROM seq_counter) AS seq, (SELECT count(*) FROM tasks) AS tasks');
      const row = held.rows[0];
      if (row && (Number(row.seq) > 0 || Number(row.tasks) > 0)) {
        if (!options.force) throw new DatabaseRefusedError(`${describeUrl(url)} already holds a registry; restore with --force to replace it`);
        await client.query('TRUNCATE events, tasks, agents, idempotency_records, inbox_cursors');
      }
      await insertRows(client, 'events (seq, task_id, event)', image.events, (e) => [e.seq, e.taskId ?? null, JSON.stringify(e)]);
      const createdAt = new Map<string, number>();
      for (const event of image.events) if (event.type === 'task.created' && event.taskId) createdAt.set(event.taskId, event.seq);
      await insertRows(client, 'tasks (id, version, created_seq, task)', image.tasks, (t, i) => [t.id, t.version, createdAt.get(t.id) ?? i, JSON.stringify(t)]);
      await insertRows(client, 'agents (id, agent)', image.agents, (a) => [a.id, JSON.stringify(a)]);
      await insertRows(client, 'idempotency_records (key, at, record)', image.idempotency, (r) => [r.key, r.at, JSON.stringify(r)]);
      const node = `${hostname()}:${options.home}`;
      await insertRows(client, 'inbox_cursors (node, file, cursor)', image.inbox, (c) => [node, c.file, JSON.stringify(c)]);
      await client.query('UPDATE seq_counter SET seq = $1', [image.seq]);
      await client.query('COMMIT');
    } catch (error) {
      await bestEffort(client.query('ROLLBACK'));
      throw error;
    }
  } finally {
    await client.end();
  }
}

/** Multi-row INSERTs of `ROWS_PER_INSERT` rows each. */
async function insertRows<T>(client: pg.Client, into: string, items: readonly T[], values: (item: T, index: number) => unknown[]): Promise<void> {
  for (let start = 0; start < items.length; start += ROWS_PER_INSERT) {
    const slice = items.slice(start, start + ROWS_PER_INSERT);
    const params: unknown[] = [];
    const tuples = slice.map((item, i) => {
      const row = values(item, start + i);
      const placeholders = row.map((value) => `$${params.push(value)}`);
      return `(${placeholders.join(', ')})`;
    });
    await client.query(`INSERT INTO ${into} VALUES ${tuples.join(', ')}`, params);
  }
}
