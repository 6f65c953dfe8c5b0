/**
 * A connection that LISTENs to the store's channels and says when to look: a notification wakes the reader at once,
 * and a timer every half second covers notifications missed while the connection was down. The connection is made
 * again by itself after any failure.
 */
import pg from 'pg';
import { bestEffort } from '../../protocol/index.js';

export const EVENTS_CHANNEL = 'agent_tracker_events';
export const TOUCH_CHANNEL = 'agent_tracker_touch';

const POLL_INTERVAL_MS = 500;
const RECONNECT_MS = 500;

export class Notifications {
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly onEvents: () => void,
    private readonly onTouch: (payload: string) => void,
  ) {}

  async start(): Promise<void> {
    this.timer = setInterval(this.onEvents, POLL_INTERVAL_MS);
    this.timer.unref();
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.config);
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === TOUCH_CHANNEL) this.onTouch(message.payload ?? '');
      else this.onEvents();
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}; LISTEN ${TOUCH_CHANNEL}`);
    } catch {
      this.lost(client);
      return;
    }
    // Whatever was committed while no one listened.
    this.onEvents();
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    void bestEffort(client.end());
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, RECONNECT_MS);
    this.reconnectTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await bestEffort(client?.end());
  }
}
