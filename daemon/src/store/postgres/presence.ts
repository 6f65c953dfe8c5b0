/**
 * Each daemon on a shared database says every few seconds that it is there: its host and home, whether it leads, and
 * the seq its view holds (`daemons`, migration 0002). `agent-tracker db status` reads the table (see teamStatus.ts);
 * nothing in the daemons depends on it, so a write that fails is only tried again at the next beat.
 */
import { hostname } from 'node:os';
import type pg from 'pg';
import { VERSION } from '../../common/version.js';
import { bestEffort } from '../../protocol/index.js';

const BEAT_MS = 2000;

export interface PresenceState {
  seq(): number;
  /** The backend pid of its session holding the leader lock, while it leads. */
  leaderBackendPid(): number | undefined;
}

export class Presence {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly pool: pg.Pool,
    private readonly node: string,
    private readonly home: string,
    private readonly state: PresenceState,
  ) {}

  start(): void {
    this.beat();
    this.timer = setInterval(() => this.beat(), BEAT_MS);
    this.timer.unref();
  }

  private beat(): void {
    this.beating ??= this.pool
      .query(
        `INSERT INTO daemons (node, host, home, pid, version, started_at, seen_at, seq, lag, lock_pid)
           VALUES ($1, $2, $3, $4, $5, $6, now(), $7, greatest(0, (SELECT seq FROM seq_counter) - $7), $8)
         ON CONFLICT (node) DO UPDATE SET host = excluded.host, home = excluded.home, pid = excluded.pid,
           version = excluded.version, started_at = excluded.started_at, seen_at = now(), seq = excluded.seq,
           lag = excluded.lag, lock_pid = excluded.lock_pid`,
        [this.node, hostname(), this.home, process.pid, VERSION, this.startedAt, this.state.seq(), this.state.leaderBackendPid() ?? null],
      )
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => (this.beating = undefined));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    // Gone, not silent: a daemon that stops says so by taking its row away.
    await bestEffort(this.pool.query('DELETE FROM daemons WHERE node = $1', [this.node]));
  }
}
