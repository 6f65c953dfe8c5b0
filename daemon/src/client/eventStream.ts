/**
 * A subscription to `/v1/stream`: catch-up, then live. After any drop it reconnects with `after` = the last seq it
 * delivered, and skips anything at or below it, so the caller misses nothing and sees nothing twice.
 */
import WebSocket from 'ws';
import { findTooDeep, MAX_FRAME_DEPTH, type TrackerEvent } from '../protocol/index.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { DaemonEndpoint } from './discovery.js';

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
  private socket: WebSocket | undefined;
  private closed = false;
  private failures = 0;
  private lastSeq: number | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

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
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.socket?.close();
    this.socket = undefined;
  }

  private open(): void {
    const url = new URL(`${this.endpoint.url.replace(/^http/, 'ws')}/v1/stream`);
    if (this.lastSeq !== undefined) url.searchParams.set('after', String(this.lastSeq));
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${this.endpoint.token}` } });
    this.socket = socket;
    let failure: Error | undefined;
    const alive = (): void => {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => socket.terminate(), this.options.idleTimeoutMs ?? 75_000);
      this.idleTimer.unref();
    };
    socket.on('open', alive);
    socket.on('ping', alive);
    socket.on('message', (data) => {
      alive();
      this.receive(data.toString());
    });
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      if (this.idleTimer) clearTimeout(this.idleTimer);
      if (this.closed) return;
      if (failure && isRefusal(failure)) {
        this.close();
        this.options.onRefused?.(failure);
        return;
      }
      this.options.onDisconnect?.(failure);
      this.retryTimer = setTimeout(() => this.open(), backoffDelay(this.failures++, this.options.backoff ?? DEFAULT_BACKOFF));
    });
  }

  private receive(text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    // Malformed frames are skipped like unparsable ones.
    if (typeof frame !== 'object' || frame === null || findTooDeep(frame, MAX_FRAME_DEPTH) !== null) return;
    const { type } = frame as { type?: unknown };
    if (type === 'live') {
      this.failures = 0;
      const raw = (frame as { seq?: unknown }).seq;
      const seq = typeof raw === 'number' ? raw : (this.lastSeq ?? 0);
      // Started at the live edge: resume from here after a drop rather than from the daemon's choice again.
      this.lastSeq ??= seq;
      this.options.onLive?.(seq);
      return;
    }
    if (type !== 'event') return;
    const event = (frame as { event?: TrackerEvent }).event;
    if (!event || typeof event.seq !== 'number') return;
    if (this.lastSeq !== undefined && event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    this.options.onEvent(event);
  }
}

/** ws reports a refused upgrade as "Unexpected server response: <status>"; 4xx will not change by retrying. */
function isRefusal(error: Error): boolean {
  const status = /Unexpected server response: (\d+)/.exec(error.message)?.[1];
  return status !== undefined && status.startsWith('4');
}
