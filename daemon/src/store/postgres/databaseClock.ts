/**
 * One clock for a team: the database's. Leases, expiry, stuck decisions and event times are all read from this clock,
 * so a daemon whose machine runs minutes behind neither marks other daemons' agents stuck nor misses an expired lease.
 * It is the local clock plus an offset measured against the database's `clock_timestamp()` now and then (the midpoint
 * of the round trip, keeping the sample with the shortest trip of each measurement), so reading it costs nothing.
 */
import type pg from 'pg';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';

/** Beyond this, the daemon's own clock is said to be wrong in the log (the contract's 1 s). */
export const SKEW_WARN_MS = 1000;
const SAMPLES = 3;
const RESAMPLE_MS = 10_000;
/** While the skew stays over the limit the warning is repeated this often, not on every measurement. */
const WARN_EVERY_MS = 60_000;

export class DatabaseClock implements Clock {
  /** Database time minus local time. */
  private offsetMs = 0;
  private measured = false;
  private timer: NodeJS.Timeout | undefined;
  private lastWarnAt = Number.NEGATIVE_INFINITY;

  /** `follow` false: the local clock is the time itself (one a test controls), the skew is only measured. */
  constructor(
    private readonly local: Clock,
    private readonly log: Logger,
    private readonly follow = true,
  ) {}

  now(): number {
    return this.follow ? this.local.now() + this.offsetMs : this.local.now();
  }

  /** How far this machine's clock is ahead of the database's (negative: behind); undefined until measured. */
  get skewMs(): number | undefined {
    return this.measured ? -this.offsetMs : undefined;
  }

  /** Measures at once, then every RESAMPLE_MS; a failed measurement keeps the last offset. */
  async start(pool: pg.Pool): Promise<void> {
    await this.measure(pool);
    this.timer = setInterval(() => {
      this.measure(pool).catch(() => {
        // The database is away: its absence is reported elsewhere; the last offset stays.
      });
    }, RESAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async measure(pool: pg.Pool): Promise<void> {
    let best: { trip: number; offset: number } | undefined;
    for (let i = 0; i < SAMPLES; i++) {
      const sent = this.local.now();
      const result = await pool.query<{ ms: number }>('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms');
      const received = this.local.now();
      const databaseMs = result.rows[0]?.ms;
      if (typeof databaseMs !== 'number') continue;
      const trip = received - sent;
      if (!best || trip < best.trip) best = { trip, offset: Math.round(databaseMs - (sent + received) / 2) };
    }
    if (!best) return;
    this.offsetMs = best.offset;
    this.measured = true;
    const skew = -best.offset;
    if (this.follow && Math.abs(skew) > SKEW_WARN_MS && this.local.now() - this.lastWarnAt >= WARN_EVERY_MS) {
      this.lastWarnAt = this.local.now();
      this.log.warn(
        `this machine's clock is ${Math.abs(skew)} ms ${skew > 0 ? 'ahead of' : 'behind'} the database's: ` +
          'leases, expiry and stuck detection use the database\'s time; set the clock right (NTP)',
      );
    }
  }
}
