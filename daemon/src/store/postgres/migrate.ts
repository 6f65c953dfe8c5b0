/**
 * Brings a database's schema up to date: every migration not yet applied, in order, each in its own transaction, with
 * the version recorded in the same transaction. A transaction-level advisory lock lets daemons starting together on a
 * new database apply each migration once.
 */
import type pg from 'pg';
import { MIGRATIONS } from './migrations/index.js';
import { bestEffort } from '../../protocol/index.js';

const MIGRATION_LOCK = 7_421_001;

export interface MigrationReport {
  applied: number[];
  version: number;
}

export async function migrate(client: pg.ClientBase): Promise<MigrationReport> {
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.rowCount === 0) {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        applied.push(migration.version);
      }
      await client.query('COMMIT');
    } catch (error) {
      await bestEffort(client.query('ROLLBACK'));
      throw error;
    }
  }
  const newest = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  const version = newest.rows[0]?.version ?? 0;
  const known = MIGRATIONS.at(-1)?.version ?? 0;
  if (version > known) {
    throw new Error(`the database's schema is at version ${version}, newer than this daemon knows (${known}): update agent-tracker`);
  }
  return { applied, version };
}
