/**
 * Which daemon on a shared database runs the once-only background work (stuck detection, retention): the one holding
 * a session-level advisory lock on its own connection. The lock goes with the session, so a daemon that dies (even by
 * `kill -9`) or loses its connection frees it, and another daemon takes it at its next try, within a second or two.
 */
import pg from 'pg';
import type { Logger } from '../../common/logger.js';
import { bestEffort, describeError } from '../../protocol/index.js';

export const LEADER_LOCK = 7_421_002;
const TRY_INTERVAL_MS = 1000;

export class LeaderLock {
  private client: pg.Client | undefined;
  private leading = false;
  /** The database's process id of the session holding the lock, while this daemon leads (for `db status`). */
  private leaderBackend: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private trying: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly log: Logger,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  get backendPid(): number | undefined {
    return this.leading ? this.leaderBackend : undefined;
  }

  start(): Promise<void> {
    this.timer = setInterval(() => void this.tryOnce(), TRY_INTERVAL_MS);
    this.timer.unref();
    return this.tryOnce();
  }

  private tryOnce(): Promise<void> {
    this.trying ??= this.attempt().finally(() => (this.trying = undefined));
    return this.trying;
  }

  private async attempt(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.client) this.client = await this.connect();
      if (this.leading) {
        // Still connected means still holding it; a dead connection ends the lead through the error handler.
        await this.client.query('SELECT 1');
        return;
      }
      const result = await this.client.query<{ locked: boolean; backend: number }>(
        'SELECT pg_try_advisory_lock($1) AS locked, pg_backend_pid() AS backend',
        [LEADER_LOCK],
      );
      if (result.rows[0]?.locked) {
        this.leaderBackend = result.rows[0].backend;
        this.leading = true;
        this.log.info('this daemon now runs stuck detection and retention for the shared store');
      }
    } catch (error) {
      this.drop(error);
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client(this.config);
    client.on('error', (error) => this.drop(error));
    await client.connect();
    return client;
  }

  private drop(error: unknown): void {
    if (this.leading) this.log.warn(`lost the leader lock: ${describeError(error)}`);
    this.leading = false;
    const client = this.client;
    this.client = undefined;
    void bestEffort(client?.end());
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.trying;
    this.leading = false;
    await bestEffort(this.client?.end());
    this.client = undefined;
  }
}
