/**
 * The resuming layer over `StreamConnection`: catch-up, then live, and after any drop a new connection with `after` =
 * the last seq it delivered, skipping anything at or below it, so the caller misses nothing and sees nothing twice.
 */
import type { TrackerEvent } from '../protocol/index.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { DaemonEndpoint } from '../home/discovery.js';
import { StreamConnection } from './streamConnection.js';

export interface EventStreamOptions {
  /** Deliver events with seq greater than this; omit to start from the daemon's choice (its live edge). */
  after?: number;
  onEvent: (event: TrackerEvent) => void;
  /** The catch-up is complete; `seq` is the daemon's current seq. Called again after each reconnect. */
  onLive?: (seq: number) => void;
  /** A connection failed or dropped; the stream keeps retrying until `close()`. */
  onDisconnect?: (error: Error | undefined) => void;
  /** The daemon refused the upgrade (bad token, no such route): retrying cannot help, so the stream has closed. */
  onRefused?: (error: Error) => void;
  backoff?: BackoffOptions;
  /**
   * The daemon pings every 30 s; a connection silent for this long is presumed dead (a peer that vanished without
   * closing) and is replaced. Default 75 s.
   */
  idleTimeoutMs?: number;
}

export class EventStream {
  private connection: StreamConnection | undefined;
  private closed = false;
  private failures = 0;
  private lastSeq: number | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly endpoint: DaemonEndpoint,
    private readonly options: EventStreamOptions,
  ) {
    this.lastSeq = options.after;
    this.open();
  }

  /** The seq of the last event delivered (or the starting `after`). */
  get seq(): number | undefined {
    return this.lastSeq;
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.connection?.close();
    this.connection = undefined;
  }

  private open(): void {
    this.connection = new StreamConnection(
      this.endpoint,
      {
        onEvent: (event) => {
          if (this.lastSeq !== undefined && event.seq <= this.lastSeq) return;
          this.lastSeq = event.seq;
          this.options.onEvent(event);
        },
        onLive: (seq) => {
          this.failures = 0;
          // Started at the live edge: resume from here after a drop rather than from the daemon's choice again.
          this.lastSeq ??= seq;
          this.options.onLive?.(seq);
        },
        onClose: (reason, refused) => {
          this.connection = undefined;
          if (this.closed) return;
          if (refused) {
            this.close();
            this.options.onRefused?.(new Error(reason));
            return;
          }
          this.options.onDisconnect?.(new Error(reason));
          this.retryTimer = setTimeout(() => this.open(), backoffDelay(this.failures++, this.options.backoff ?? DEFAULT_BACKOFF));
        },
      },
      { after: this.lastSeq, silenceLimitMs: this.options.idleTimeoutMs },
    );
  }
}
