/**
 * One connection to `/v1/stream?after=<seq>`: catch-up events, the `live` marker, then live events. Frames are checked
 * against the contract's schema; a malformed frame ends the connection (the caller reconnects with `after`).
 */
import WebSocket from 'ws';
import { MAX_WS_MESSAGE_BYTES, StreamFrameSchema, type TrackerEvent } from '../model/protocol.js';
import type { Endpoint } from './daemonClient.js';

/** The daemon pings every 30 s; silence well past that means the connection is dead even if TCP has not noticed. */
const SILENCE_LIMIT_MS = 75_000;

export interface StreamHandlers {
  onOpen(): void;
  onEvent(event: TrackerEvent): void;
  onLive(seq: number): void;
  onClose(reason: string): void;
}

export class EventStream {
  private readonly socket: WebSocket;
  private silenceTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(endpoint: Endpoint, after: number, private readonly handlers: StreamHandlers) {
    const url = new URL(`/v1/stream?after=${after}`, endpoint.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.socket = new WebSocket(url, {
      headers: { Authorization: `Bearer ${endpoint.token}` },
      maxPayload: MAX_WS_MESSAGE_BYTES,
      handshakeTimeout: 10_000,
    });
    this.socket.on('open', () => {
      this.touch();
      handlers.onOpen();
    });
    this.socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.socket.on('ping', () => this.touch());
    this.socket.on('unexpected-response', (_req, res) => this.finish(`stream refused: HTTP ${res.statusCode ?? '?'}`));
    this.socket.on('error', (error) => this.finish(error.message));
    this.socket.on('close', (code) => this.finish(`stream closed (${code})`));
  }

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
    const frame = StreamFrameSchema.safeParse(json);
    if (!frame.success) return this.fail(`malformed frame: ${frame.error.message}`);
    if (frame.data.type === 'event') this.handlers.onEvent(frame.data.event);
    else this.handlers.onLive(frame.data.seq);
  }

  private fail(reason: string): void {
    this.finish(reason);
    this.close();
  }

  private touch(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.fail('no ping from the daemon'), SILENCE_LIMIT_MS);
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.silenceTimer);
    this.handlers.onClose(reason);
  }
}

function rawToString(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
