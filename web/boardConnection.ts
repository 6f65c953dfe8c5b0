/**
 * Keeps the board's model true, as the extension's connection does: a snapshot of every task and agent, then
 * `/v1/stream?after=<seq>` live; after a drop it reconnects with backoff and asks for everything after the last seq it
 * folded. A refusal (the session ended) asks the user to log in again.
 */
import type { TrackerModel } from '../extension/src/model/trackerModel.js';
import type { StreamFrame, TrackerEvent } from '#protocol';
import { boardApi, BoardApiError } from './boardApi.js';
import { describeError } from '#protocol';

const MAX_BACKOFF_MS = 5000;
/** The agents' last-seen times move without events (heartbeats): read now and then. */
const AGENT_POLL_MS = 15_000;

export class BoardConnection {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private needSnapshot = true;
  private stopped = false;
  private readonly agentPoll: number;

  constructor(
    private readonly model: TrackerModel,
    private readonly onLoggedOut: () => void,
    /** Every event as it arrives (the board follows approvals, which the model does not hold). */
    private readonly onEvent: (event: TrackerEvent) => void = () => undefined,
    private readonly onOpen: () => void = () => undefined,
  ) {
    this.agentPoll = window.setInterval(() => void this.pollAgents(), AGENT_POLL_MS);
  }

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearInterval(this.agentPoll);
    this.socket?.close();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.model.setConnection({ kind: 'connecting', attempt: this.attempt });
    try {
      const health = await boardApi.health();
      if (this.needSnapshot || health.seq < this.model.seq) {
        const [tasks, agents] = await Promise.all([boardApi.allTasks(), boardApi.agents()]);
        const after = await boardApi.health();
        this.model.loadSnapshot({ tasks, agents, seq: health.seq, uncertainUntil: after.seq });
        this.model.flush();
        this.needSnapshot = false;
      }
      this.openStream(health.version);
    } catch (error) {
      if (error instanceof BoardApiError && error.status === 401) return this.loggedOut();
      this.retry(describeError(error));
    }
  }

  private openStream(version: string): void {
    const url = new URL('/v1/stream', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('after', String(this.model.seq));
    const socket = new WebSocket(url);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.model.setConnection({ kind: 'connected', url: location.origin, version });
      this.onOpen();
    };
    socket.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      const frame = JSON.parse(message.data) as StreamFrame;
      if (frame.type === 'event') {
        this.model.applyEvent(frame.event);
        this.onEvent(frame.event);
      }
      else if (frame.type === 'live') this.model.markLive(frame.seq);
    };
    socket.onclose = () => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = undefined;
      // An upgrade refused before opening is most often an ended session: the next health call tells.
      this.retry(opened ? 'the stream ended' : 'the stream was refused');
    };
  }

  private retry(reason: string): void {
    if (this.stopped) return;
    this.model.setConnection({ kind: 'disconnected', reason });
    const delay = Math.min(MAX_BACKOFF_MS, 200 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt += 1;
    window.setTimeout(() => void this.connect(), delay);
  }

  private loggedOut(): void {
    this.stopped = true;
    this.model.setConnection({ kind: 'disconnected', reason: 'not logged in' });
    this.onLoggedOut();
  }

  private async pollAgents(): Promise<void> {
    if (this.model.connection.kind !== 'connected') return;
    try {
      this.model.mergeAgents(await boardApi.agents());
    } catch {
      // The stream's own failure handling reconnects.
    }
  }
}
