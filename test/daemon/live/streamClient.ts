/**
 * Test clients of `/v1/stream`: a recording `ws` client, the raw upgrade (for the refusals, whose HTTP status a
 * WebSocket client would hide), and a raw socket that completes the handshake and then never reads.
 */
import { strict as assert } from 'node:assert';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import type { TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { StreamFrameSchema } from '../../../daemon/src/protocol/index.js';
import { pollUntil } from '../../support/poll.js';
import type { LiveDaemon } from './liveDaemon.js';
import { wsText } from '../../support/wsText.js';

export class StreamRecorder {
  readonly events: TrackerEvent[] = [];
  liveSeq: number | undefined;
  /** Index in `events` at which the live frame arrived. */
  liveAt: number | undefined;
  closeCode: number | undefined;
  /** Stops reading (the socket is paused) once this many events have arrived: a consumer slower than the daemon. */
  private pauseAt = Number.POSITIVE_INFINITY;
  private readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor(d: LiveDaemon, after?: number) {
    const query = after === undefined ? '' : `?after=${after}`;
    this.socket = new WebSocket(`${d.daemon.url.replace(/^http/, 'ws')}/v1/stream${query}`, {
      headers: { authorization: `Bearer ${d.daemon.token}` },
    });
    this.socket.on('message', (data) => this.receive(wsText(data)));
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.socket.once('close', (code) => resolve((this.closeCode = code))));
  }

  static async open(d: LiveDaemon, after?: number): Promise<StreamRecorder> {
    const recorder = new StreamRecorder(d, after);
    await recorder.opened;
    return recorder;
  }

  private receive(text: string): void {
    const frame = StreamFrameSchema.parse(JSON.parse(text));
    if (frame.type === 'live') {
      assert.equal(this.liveSeq, undefined, 'one live frame per connection');
      this.liveSeq = frame.seq;
      this.liveAt = this.events.length;
    } else this.events.push(frame.event);
    if (this.events.length >= this.pauseAt) this.socket.pause();
  }

  /** Reads `count` more events, then stops reading until this is called again. */
  readOn(count: number): void {
    this.pauseAt = this.events.length + count;
    this.socket.resume();
  }

  get paused(): boolean {
    return this.socket.isPaused;
  }

  /** Reads everything from now on. */
  readAll(): void {
    this.pauseAt = Number.POSITIVE_INFINITY;
    this.socket.resume();
  }

  get lastSeq(): number | undefined {
    return this.events.at(-1)?.seq;
  }

  waitLive(timeoutMs = 10_000): Promise<number> {
    return pollUntil('the live frame', () => this.liveSeq, timeoutMs);
  }

  waitForSeq(seq: number, timeoutMs = 10_000): Promise<void> {
    return pollUntil(`event seq ${seq} on the stream`, () => ((this.lastSeq ?? 0) >= seq ? true : undefined), timeoutMs).then(() => {});
  }

  waitFor<E extends TrackerEvent>(what: string, match: (event: TrackerEvent) => event is E, timeoutMs?: number): Promise<E>;
  waitFor(what: string, match: (event: TrackerEvent) => boolean, timeoutMs?: number): Promise<TrackerEvent>;
  waitFor(what: string, match: (event: TrackerEvent) => boolean, timeoutMs = 10_000): Promise<TrackerEvent> {
    return pollUntil(what, () => this.events.find(match), timeoutMs);
  }

  close(): Promise<number> {
    this.socket.close();
    return this.closed;
  }
}

/** Strictly increasing, and consecutive from `first` (no retention has run, so the feed has no gaps). */
export function assertContiguous(events: readonly TrackerEvent[], first: number, last: number): void {
  const seqs = events.map((e) => e.seq);
  assert.equal(seqs.length, last - first + 1, `expected seq ${first}..${last}, got ${seqs.length} events (${seqs[0]}..${seqs.at(-1)})`);
  seqs.forEach((seq, i) => assert.equal(seq, first + i, `event ${i} has seq ${seq}, expected ${first + i}`));
}

export interface UpgradeAnswer {
  status: number;
  body: string;
}

/** Sends a WebSocket upgrade with exactly these headers and returns the HTTP answer (101 or a refusal). */
export function rawUpgrade(port: number, path: string, headers: Record<string, string>): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        resolve({ status: 101, body: '' });
      }
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!match) return reject(new Error(`no HTTP answer: ${JSON.stringify(text)}`));
      resolve({ status: Number(match[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    const lines = [`GET ${path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

export function upgradeHeaders(port: number, token: string | null, extra: Record<string, string> = {}): Record<string, string> {
  return {
    host: `127.0.0.1:${port}`,
    connection: 'Upgrade',
    upgrade: 'websocket',
    'sec-websocket-version': '13',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    ...extra,
  };
}

/**
 * A client that completes the handshake and then stops reading: it neither answers pings nor drains what the daemon
 * sends, the two ways a consumer gets stuck.
 */
export interface StuckConsumer {
  socket: Socket;
  /** Starts reading again (discarding what comes) and resolves once the daemon has closed the connection. */
  readUntilClosed(): Promise<void>;
}

export async function stuckConsumer(d: LiveDaemon, after: number): Promise<StuckConsumer> {
  const socket = connect(d.daemon.port, '127.0.0.1');
  // A paused socket does not notice the peer's close until it reads again.
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    let text = '';
    socket.setEncoding('latin1');
    const onData = (chunk: string) => {
      text += chunk;
      if (!text.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (!text.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${text}`));
      socket.pause();
      resolve();
    };
    socket.on('data', onData);
    const headers = upgradeHeaders(d.daemon.port, d.daemon.token);
    const lines = [`GET /v1/stream?after=${after} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
  return {
    socket,
    readUntilClosed: () => {
      socket.on('data', () => {});
      socket.resume();
      return closed;
    },
  };
}
