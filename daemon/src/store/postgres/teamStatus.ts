/**
 * What `agent-tracker db status` shows of a team database: the schema version, the registry's seq, the daemon that
 * leads (holds the leader lock) and every daemon seen in the last day with how far its view is behind.
 */
import type pg from 'pg';
import { MIGRATIONS } from './migrations/index.js';
import { LEADER_LOCK } from './leaderLock.js';

/** A daemon is listed as gone quiet when its last beat is older than this (it beats every 2 s). */
export const QUIET_AFTER_MS = 10_000;

export interface DaemonSeen {
  node: string;
  host: string;
  home: string;
  pid: number;
  version: string;
  startedAt: string;
  seenAt: string;
  /** How long ago it last beat, by the database's clock. */
  seenMsAgo: number;
  /** The seq its view held, and the events the registry had beyond it, when it last beat. */
  seq: number;
  lagEvents: number;
  leader: boolean;
  quiet: boolean;
}

export interface TeamStatus {
  schemaVersion: number;
  /** The newest schema version this build knows. */
  knownSchemaVersion: number;
  seq: number;
  /** Whether some session holds the leader lock (a daemon that runs stuck detection and retention). */
  leaderLockHeld: boolean;
  /** The daemon whose session holds the leader lock now (pg_locks), once it has said so. */
  leader: DaemonSeen | null;
  daemons: DaemonSeen[];
}

interface DaemonRow {
  node: string;
  host: string;
  home: string;
  pid: number;
  version: string;
  started_at: Date;
  seen_at: Date;
  seen_ms_ago: number;
  seq: string;
  lag: string;
  lock_pid: number | null;
}

export async function readTeamStatus(client: pg.ClientBase): Promise<TeamStatus> {
  const migrated = await client.query<{ table: string | null }>("SELECT to_regclass('schema_migrations')::text AS table");
  const schemaVersion = migrated.rows[0]?.table
    ? ((await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations')).rows[0]?.version ?? 0)
    : 0;
  const knownSchemaVersion = MIGRATIONS.at(-1)?.version ?? 0;
  if (schemaVersion < 2) {
    return { schemaVersion, knownSchemaVersion, seq: 0, leaderLockHeld: false, leader: null, daemons: [] };
  }
  const seq = Number((await client.query<{ seq: string }>('SELECT seq FROM seq_counter')).rows[0]?.seq ?? 0);
  // A session-level advisory lock on one bigint key shows as classid 0 (high half) and objid (low half).
  const lock = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [LEADER_LOCK],
  );
  const lockPid = lock.rows[0]?.pid;
  const rows = await client.query<DaemonRow>(
    `SELECT node, host, home, pid, version, started_at, seen_at, seq, lag, lock_pid,
            (extract(epoch FROM now() - seen_at) * 1000)::float8 AS seen_ms_ago
       FROM daemons WHERE seen_at > now() - interval '1 day' ORDER BY host, home`,
  );
  const daemons = rows.rows.map((row): DaemonSeen => {
    const seenMsAgo = Math.max(0, Math.round(row.seen_ms_ago));
    return {
      node: row.node,
      host: row.host,
      home: row.home,
      pid: row.pid,
      version: row.version,
      startedAt: row.started_at.toISOString(),
      seenAt: row.seen_at.toISOString(),
      seenMsAgo,
      seq: Number(row.seq),
      lagEvents: Number(row.lag),
      leader: lockPid !== undefined && row.lock_pid === lockPid,
      quiet: seenMsAgo > QUIET_AFTER_MS,
    };
  });
  const leaderLockHeld = lockPid !== undefined;
  return { schemaVersion, knownSchemaVersion, seq, leaderLockHeld, leader: daemons.find((d) => d.leader) ?? null, daemons };
}
