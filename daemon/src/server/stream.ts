/**
 * `GET /v1/stream?after=<seq>`: the event feed over a WebSocket.
 *
 * The upgrade passes the same Host, Origin and token checks as every route before `handleUpgrade`, so a refused client
 * never gets a socket. A client first catches up from the store's feed (only events already durable), receives
 * `{type:"live", seq}`, and from then on gets each event once it is durable, pushed by `store.onDurable`. One cursor per
 * client (`sent`, the last seq delivered) makes catch-up and live a single sequence: whatever became durable while the
 * client caught up is in the feed too, and the live path skips anything at or below the cursor, so there is no gap and
 * no duplicate.
 *
 * Catch-up is served in slices: a step reads one chunk of the feed (bounded by bytes), sends it, and the client's next
 * step is read only once the socket has handed the chunk's last frame to the kernel, after a turn of the event loop.
 * Every chunk counts against one budget for all clients together (`catchUpBytesInFlight`) from its read until the
 * kernel took it, and steps are admitted in order: however many clients catch up at once, the daemon holds and works
 * on a bounded amount, and requests such as `/healthz` get their turns in between. A catch-up client whose chunk the
 * kernel has not taken for `catchUpStallMs` while others wait for the budget is dropped with 1013, as a live client
 * whose unsent bytes pass `maxBufferedBytes` is: either reconnects with `after`.
 */
import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { describeError, MAX_WS_MESSAGE_BYTES, TrackerError, type TrackerEvent } from '../protocol/index.js';
import type { Tracker } from '../engine/tracker.js';
import type { StoredEvent } from '../store/records.js';
import type { Logger } from '../common/logger.js';
import { authorize, type GuardOptions } from './middleware/security.js';
import { CatchUpBudget } from './catchUpBudget.js';

export const STREAM_PATH = '/v1/stream';
/** "Try again later": the close code of a client dropped for being too slow. */
export const CLOSE_TOO_SLOW = 1013;
export const CLOSE_GOING_AWAY = 1001;

export interface StreamTuning {
  /** How often every client is pinged; a client that did not answer the previous ping is terminated. */
  pingIntervalMs: number;
  /** Unsent bytes a live client may have queued before it is dropped. */
  maxBufferedBytes: number;
  /** Bytes of events in one catch-up step; the next step is read once the socket took this one. */
  catchUpChunkBytes: number;
  /**
   * Bytes of events in catch-up chunks held for all clients together, from their read until the kernel took them; the other
   * steps wait their turn in order. It bounds both the daemon's memory and its work for catch-up, whatever the clients.
   */
  catchUpBytesInFlight: number;
  /** How long a catch-up chunk may wait for a client's socket while other clients wait for the budget. */
  catchUpStallMs: number;
}

export const DEFAULT_STREAM_TUNING: StreamTuning = {
  pingIntervalMs: 30_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  // Small enough that 100 clients catching up at once hold a few MB, large enough that one step is one read.
  catchUpChunkBytes: 64 * 1024,
  // Four chunks. With 100 clients catching up at once, sixteen chunks made the daemon's turns longer (a /healthz p50 of
  // 5 ms and p99 of 60 to 86 ms against 2 ms and 22 to 27 ms with four) and caught up no faster.
  catchUpBytesInFlight: 256 * 1024,
  catchUpStallMs: 10_000,
};

/** Events per catch-up step at most, however small they are. */
const CATCH_UP_EVENTS = 1000;
const FRAME_HEAD = Buffer.from('{"type":"event","event":');
const FRAME_TAIL = Buffer.from('}');

export interface StreamCounters {
  clients: number;
  connected: number;
  droppedSlow: number;
  droppedUnresponsive: number;
  refused: number;
  /** Bytes of events in catch-up chunks held for all clients now, and the most held at once. */
  catchUpBytes: number;
  catchUpBytesPeak: number;
}

interface Client {
  ws: WebSocket;
  /** The seq of the last event sent (or the client's `after`): nothing at or below it is sent again. */
  sent: number;
  live: boolean;
  alive: boolean;
  /** Resolves when the socket closes, however it closes. */
  closed: Promise<void>;
  /** Since when a sent catch-up chunk waits for the kernel to take it (undefined when none does). */
  waitingSince?: number;
  /** The `waitingSince` the previous stall check already found too old. */
  stalledSince?: number;
}

/** A grace period for the close frame of a dropped client before its socket is destroyed. */
const DROP_GRACE_MS = 1000;

export class EventStreamServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES, perMessageDeflate: false });
  private readonly clients = new Set<Client>();
  private readonly tuning: StreamTuning;
  private readonly unsubscribe: () => void;
  private readonly pingTimer: NodeJS.Timeout;
  private readonly stallTimer: NodeJS.Timeout;
  private readonly counts = { connected: 0, droppedSlow: 0, droppedUnresponsive: 0, refused: 0 };
  private readonly budget: CatchUpBudget;
  private closed = false;

  constructor(
    private readonly tracker: Tracker,
    private readonly guard: GuardOptions,
    private readonly log: Logger,
    tuning: Partial<StreamTuning> = {},
  ) {
    this.tuning = { ...DEFAULT_STREAM_TUNING, ...tuning };
    this.budget = new CatchUpBudget(this.tuning.catchUpBytesInFlight);
    this.unsubscribe = tracker.store.onDurable((events) => this.publish(events));
    this.pingTimer = setInterval(() => this.pingAll(), this.tuning.pingIntervalMs);
    this.pingTimer.unref();
    this.stallTimer = setInterval(() => this.dropStalled(), Math.min(1000, this.tuning.catchUpStallMs));
    this.stallTimer.unref();
  }

  /** Takes over the server's upgrade requests (this is the daemon's only WebSocket endpoint). */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  counters(): StreamCounters {
    return { clients: this.clients.size, ...this.counts, catchUpBytes: this.budget.held, catchUpBytesPeak: this.budget.peak };
  }

  /** Closes every client with 1001 and stops publishing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    clearInterval(this.pingTimer);
    clearInterval(this.stallTimer);
    const gone = [...this.clients].map(
      (client) =>
        new Promise<void>((resolve) => {
          if (client.ws.readyState === WebSocket.CLOSED) return resolve();
          client.ws.once('close', () => resolve());
          client.ws.close(CLOSE_GOING_AWAY, 'daemon stopping');
          setTimeout(() => client.ws.terminate(), DROP_GRACE_MS).unref();
        }),
    );
    await Promise.allSettled(gone);
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    const after = parseAfter(url.searchParams.get('after'));
    const refusal =
      authorize({ method: 'GET', path: url.pathname, headers: req.headers }, this.guard) ??
      (url.pathname === STREAM_PATH ? null : new TrackerError('not_found', `no WebSocket endpoint ${url.pathname}`)) ??
      (after === null ? invalidAfter() : null) ??
      (this.closed ? new TrackerError('unavailable', 'the daemon is stopping') : null);
    if (refusal || after === null) {
      this.counts.refused++;
      refuse(socket, refusal ?? invalidAfter());
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, after));
  }

  private accept(ws: WebSocket, after: number): void {
    const client: Client = { ws, sent: after, live: false, alive: true, closed: new Promise((resolve) => ws.once('close', () => resolve())) };
    this.clients.add(client);
    this.counts.connected++;
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', (error) => this.log.warn(`stream client error: ${error.message}`));
    // The stream is one-way; anything a client sends is ignored (ws already enforces maxPayload).
    void this.catchUp(client).catch((error: unknown) => {
      this.log.warn(`stream catch-up failed: ${describeError(error)}`);
      client.ws.terminate();
    });
  }

  /** Sends the feed after the client's cursor up to the durable seq, one chunk at a time, then switches it to live. */
  private async catchUp(client: Client): Promise<void> {
    const asked = this.tuning.catchUpChunkBytes;
    for (;;) {
      if (client.ws.readyState !== WebSocket.OPEN) return;
      await this.budget.acquire(asked);
      let held = asked;
      try {
        const step = await this.catchUpStep(client);
        if (step === 'live' || step === 'closed') return;
        this.budget.resize(held, step.bytes);
        held = step.bytes;
        // The kernel took the last frame (or the socket closed): only then is the next chunk read, so a client that
        // does not read holds one chunk of the budget, until it is dropped as stalled.
        client.waitingSince = performance.now();
        await Promise.race([step.taken, client.closed]);
      } finally {
        client.waitingSince = undefined;
        this.budget.release(held);
      }
      // A turn of the event loop between a client's steps, for requests and the other clients.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Reads and sends one chunk of the feed; switches the client to live when there is nothing more. */
  private async catchUpStep(client: Client): Promise<{ bytes: number; taken: Promise<void> } | 'live' | 'closed'> {
    const { store } = this.tracker;
    for (;;) {
      const durableSeq = store.durableSeq;
      const chunk = await store.readFeed(client.sent, CATCH_UP_EVENTS, this.tuning.catchUpChunkBytes);
      if (client.ws.readyState !== WebSocket.OPEN) return 'closed';
      // Nothing more, and nothing became durable while the feed was read: from here on `publish` delivers. Synchronous
      // from this check to `live`, so no event can become durable in between and be missed.
      if (chunk.length === 0 && store.durableSeq === durableSeq) {
        const seq = store.durableSeq;
        client.ws.send(JSON.stringify({ type: 'live', seq }));
        client.sent = Math.max(client.sent, seq);
        client.live = true;
        return 'live';
      }
      if (chunk.length === 0) continue;
      const { frames, bytes } = encodeFrames(chunk, this.tuning.catchUpChunkBytes);
      let taken: Promise<void> = Promise.resolve();
      corked(client.ws, () => {
        for (let i = 0; i < frames.length; i++) {
          client.sent = (chunk[i] as StoredEvent).seq;
          const last = i === frames.length - 1;
          if (last) taken = new Promise((resolve) => client.ws.send(frames[i] as Buffer, { binary: false }, () => resolve()));
          else client.ws.send(frames[i] as Buffer, { binary: false });
        }
      });
      // Wrapped: a promise returned as it is would be awaited here, before the budget knows the chunk's size.
      return { bytes, taken };
    }
  }

  /**
   * Catch-up clients whose socket has not taken their chunk for too long give their share back to those waiting. A
   * client is dropped only when two checks in a row find the same wait too old: the socket's answer may be among the
   * callbacks a busy event loop has not run yet, and between two checks it has run them.
   */
  private dropStalled(): void {
    if (this.budget.waiting === 0) return;
    const now = performance.now();
    for (const client of this.clients) {
      const since = client.waitingSince;
      if (since === undefined || now - since <= this.tuning.catchUpStallMs) continue;
      if (client.stalledSince === since) this.drop(client);
      else client.stalledSince = since;
    }
  }

  /** Live delivery: each frame is serialized once for every client. */
  private publish(events: readonly TrackerEvent[]): void {
    if (this.clients.size === 0) return;
    // Encoded once for every client: handing ws a string would make it encode the same text again per client.
    const frames = events.map((event) => Buffer.from(frameOf(event)));
    for (const client of this.clients) {
      if (!client.live) continue;
      if (client.ws.readyState !== WebSocket.OPEN) continue;
      if (client.ws.bufferedAmount > this.tuning.maxBufferedBytes) {
        this.drop(client);
        continue;
      }
      corked(client.ws, () => {
        for (let i = 0; i < events.length; i++) {
          const event = events[i] as TrackerEvent;
          if (event.seq <= client.sent) continue;
          client.sent = event.seq;
          client.ws.send(frames[i] as Buffer, { binary: false });
        }
      });
    }
  }

  /** Too slow to keep up: closed with 1013 so that it reconnects with `after`, and its queued bytes are freed. */
  private drop(client: Client): void {
    this.counts.droppedSlow++;
    client.live = false;
    this.clients.delete(client);
    this.log.warn(`stream client dropped: ${client.ws.bufferedAmount} bytes unsent (reconnect with after=${client.sent})`);
    client.ws.close(CLOSE_TOO_SLOW, `too slow; reconnect with after=${client.sent}`);
    setTimeout(() => client.ws.terminate(), DROP_GRACE_MS).unref();
  }

  private pingAll(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        this.counts.droppedUnresponsive++;
        this.clients.delete(client);
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }
}

/**
 * Sends a burst of frames in one socket write rather than one write (a system call) per frame: with many clients and
 * busy writers, per-frame writes were most of the daemon's time. `ws` keeps its socket private, hence the cast.
 */
function corked(ws: WebSocket, send: () => void): void {
  const socket = (ws as unknown as { _socket?: Duplex })._socket;
  socket?.cork();
  try {
    send();
  } finally {
    socket?.uncork();
  }
}

/**
 * The frames of a catch-up chunk, encoded into one buffer and sent as views of it: one allocation per chunk rather
 * than a string and a buffer per event, which with many clients catching up at once was most of the daemon's memory.
 * Only the first events that fit `maxBytes` are encoded (at least one): the feed's bound lets its last event cross it,
 * and that one is read again by the next step. `bytes` counts the events as the feed does, without the frames' 25 bytes.
 */
function encodeFrames(events: readonly StoredEvent[], maxBytes: number): { frames: Buffer[]; bytes: number } {
  let bytes = 0;
  let count = 0;
  for (const event of events) {
    const size = Buffer.byteLength(event.json);
    if (count > 0 && bytes + size > maxBytes) break;
    bytes += size;
    count++;
  }
  const buffer = Buffer.allocUnsafeSlow(bytes + count * (FRAME_HEAD.length + FRAME_TAIL.length));
  const frames: Buffer[] = [];
  let at = 0;
  for (const event of events.slice(0, count)) {
    const start = at;
    at += FRAME_HEAD.copy(buffer, at);
    at += buffer.write(event.json, at);
    at += FRAME_TAIL.copy(buffer, at);
    frames.push(buffer.subarray(start, at));
  }
  return { frames, bytes };
}

function frameOf(event: TrackerEvent): string {
  return JSON.stringify({ type: 'event', event });
}

/** `after` absent means from the start of the feed (as `GET /v1/events`); null when it is not a seq. */
function parseAfter(raw: string | null): number | null {
  if (raw === null || raw === '') return 0;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : null;
}

function invalidAfter(): TrackerError {
  return new TrackerError('validation_failed', 'after must be a sequence number', [
    { path: 'after', message: 'expected an integer >= 0' },
  ]);
}

/** An HTTP answer on the raw socket of a refused upgrade, then the socket is closed. */
function refuse(socket: Duplex, error: TrackerError): void {
  const body = JSON.stringify(error.toBody());
  const head = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
