/**
 * One connection to `/v1/stream?after=<seq>`: catch-up events, the `live` marker, then live events. Every frame is
 * checked against the contract's schema; a malformed frame, a binary frame or a silence past the daemon's pings ends
 * the connection. It never reconnects by itself: `EventStream` (or the caller's own policy) does that with `after`.
 */
import WebSocket from 'ws';
import { findTooDeep, MAX_FRAME_DEPTH, MAX_WS_MESSAGE_BYTES, StreamFrameSchema, type TrackerEvent } from '../protocol/index.js';
import type { DaemonEndpoint } from '../home/discovery.js';

/** The daemon pings every 30 s; silence well past that means the connection is dead even if TCP has not noticed. */
export const DEFAULT_SILENCE_LIMIT_MS = 75_000;

export interface StreamHandlers {
  onOpen?(): void;
  onEvent(event: TrackerEvent): void;
  onLive(seq: number): void;
  /** Called once. `refused`: the daemon answered the upgrade with a 4xx (bad token, no such route); retrying cannot help. */
  onClose(reason: string, refused: boolean): void;
}

export interface StreamConnectionOptions {
  /** Events with a greater seq; omitted, the daemon starts at its live edge. */
  after?: number;
  silenceLimitMs?: number;
}

export class StreamConnection {
  private readonly socket: WebSocket;
  private silenceTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    endpoint: DaemonEndpoint,
    private readonly handlers: StreamHandlers,
    private readonly options: StreamConnectionOptions = {},
  ) {
    const url = new URL('/v1/stream', endpoint.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (options.after !== undefined) url.searchParams.set('after', String(options.after));
    this.socket = new WebSocket(url, {
      headers: { authorization: `Bearer ${endpoint.token}` },
      maxPayload: MAX_WS_MESSAGE_BYTES,
      handshakeTimeout: 10_000,
    });
    this.socket.on('open', () => {
      this.touch();
      handlers.onOpen?.();
    });
    this.socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.socket.on('ping', () => this.touch());
    this.socket.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      this.finish(`stream refused: HTTP ${status}`, status >= 400 && status < 500);
      this.close();
    });
    this.socket.on('error', (error) => this.finish(error.message, false));
    this.socket.on('close', (code) => this.finish(`stream closed (${code})`, false));
  }

  /** Ends the connection without calling `onClose`. */
  close(): void {
    this.closed = true;
    clearTimeout(this.silenceTimer);
    this.socket.removeAllListeners();
    this.socket.on('error', () => undefined);
    this.socket.terminate();
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    this.touch();
    if (isBinary) return this.fail('binary frame');
    let json: unknown;
    try {
      json = JSON.parse(rawToString(data));
    } catch {
      return this.fail('frame is not JSON');
    }
    if (findTooDeep(json, MAX_FRAME_DEPTH) !== null) return this.fail('frame nested too deep');
    const frame = StreamFrameSchema.safeParse(json);
    if (!frame.success) return this.fail(`malformed frame: ${frame.error.message}`);
    if (frame.data.type === 'event') this.handlers.onEvent(frame.data.event);
    else this.handlers.onLive(frame.data.seq);
  }

  private fail(reason: string): void {
    this.finish(reason, false);
    this.close();
  }

  private touch(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.fail('no ping from the daemon'), this.options.silenceLimitMs ?? DEFAULT_SILENCE_LIMIT_MS);
    this.silenceTimer.unref();
  }

  private finish(reason: string, refused: boolean): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.silenceTimer);
    this.handlers.onClose(reason, refused);
  }
}

function rawToString(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
