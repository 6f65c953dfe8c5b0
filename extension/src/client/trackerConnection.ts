/**
 * Keeps the model attached to the daemon: finds it, restores the true state (a snapshot the first time, or after the
 * daemon's history went backwards), then follows the stream; after any drop it reconnects with backoff and asks for
 * everything after the last seq it folded, so nothing is missed and nothing is applied twice.
 */
import { watch, type FSWatcher } from 'node:fs';
import { Disposable, toDisposable } from '../common/lifecycle.js';
import type { Logger } from '../common/logger.js';
import { StreamConnection, TrackerApiError, TrackerClient, type Location } from '#client';
import { describeError, MAX_LIST_LIMIT } from '../model/protocol.js';
import type { TrackerModel } from '../model/trackerModel.js';

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;
/** The connection has its own retry policy (backoff, re-locating the daemon); a user's command retries once. */
const COMMAND_RETRIES = 1;
/** While connected, how often the daemon's `/healthz` is asked whether its store (a team database) is still there. */
const STORE_CHECK_MS = 3_000;

export interface ConnectionOptions {
  model: TrackerModel;
  locate: () => Promise<Location>;
  logger: Logger;
  /** Called when no daemon answers; resolves true when one was started and is worth trying at once. */
  onUnreachable?: (location: Location) => Promise<boolean>;
}

export class NotConnectedError extends Error {
  constructor(reason: string) {
    super(`Not connected to the Agent Tracker daemon: ${reason}`);
    this.name = 'NotConnectedError';
  }
}

export class TrackerConnection extends Disposable {
  private readonly model: TrackerModel;
  private client: TrackerClient | undefined;
  private stream: StreamConnection | undefined;
  private attempt = 0;
  private generation = 0;
  private needSnapshot = true;
  private retryTimer: NodeJS.Timeout | undefined;
  private storeTimer: NodeJS.Timeout | undefined;
  private homeWatcher: FSWatcher | undefined;
  private watchedHome: string | undefined;
  private started = false;

  constructor(private readonly options: ConnectionOptions) {
    super();
    this.model = options.model;
    this.register(toDisposable(() => this.stop()));
  }

  /** The connected client; commands call this and show its error when the daemon is away. */
  requireClient(): TrackerClient {
    const state = this.model.connection;
    if (!this.client || state.kind !== 'connected') {
      throw new NotConnectedError(state.kind === 'disconnected' ? state.reason : 'connecting');
    }
    return this.client;
  }

  /**
   * The client of the daemon being connected to, already usable while the snapshot loads (before the stream is open);
   * throws only when no daemon was found at all.
   */
  currentClient(): TrackerClient {
    if (!this.client) return this.requireClient();
    return this.client;
  }

  start(): void {
    this.started = true;
    this.connectSoon(0);
  }

  /** Drops the connection and connects again at once; `resync` reloads the whole state first (Refresh, new settings). */
  restart(resync: boolean): void {
    if (resync) this.needSnapshot = true;
    this.attempt = 0;
    this.closeStream();
    if (this.started) this.connectSoon(0);
  }

  /** Cuts the backoff short, e.g. when a daemon.json appears in the home. */
  reconnectNow(): void {
    if (!this.started || this.model.connection.kind === 'connected' || this.model.connection.kind === 'connecting') return;
    this.connectSoon(0);
  }

  stop(): void {
    this.started = false;
    this.generation += 1;
    clearTimeout(this.retryTimer);
    this.closeStream();
    this.homeWatcher?.close();
    this.homeWatcher = undefined;
  }

  private connectSoon(delayMs: number): void {
    clearTimeout(this.retryTimer);
    const generation = ++this.generation;
    this.retryTimer = setTimeout(() => void this.connect(generation), delayMs);
  }

  private async connect(generation: number): Promise<void> {
    this.model.setConnection({ kind: 'connecting', attempt: this.attempt });
    try {
      const location = await this.options.locate();
      this.watchHome(location.home);
      if (generation !== this.generation) return;
      if (!location.found) return await this.unreachable(generation, location, location.reason);
      const client = new TrackerClient(location.endpoint, { retries: COMMAND_RETRIES });
      const health = await client.health({ retries: 0 }).catch((error: unknown) => error as Error);
      if (generation !== this.generation) return;
      if (health instanceof Error) return await this.unreachable(generation, location, health.message);
      this.client = client;
      if (health.seq < this.model.seq) {
        this.options.logger.warn(`daemon seq ${health.seq} is behind ours (${this.model.seq}): reloading the state`);
        this.needSnapshot = true;
      }
      if (this.needSnapshot) await this.loadSnapshot(client, health.seq, generation);
      if (generation !== this.generation) return;
      this.openStream(client, location.endpoint.url, health.version, generation);
    } catch (error) {
      if (generation !== this.generation) return;
      const reason = error instanceof TrackerApiError && error.status === 401 ? 'the token was refused (401)' : describeError(error);
      this.options.logger.error(`connecting to the daemon failed: ${reason}`);
      this.retry(generation, reason);
    }
  }

  private async unreachable(generation: number, location: Location, reason: string): Promise<void> {
    this.options.logger.info(`daemon not reachable: ${reason}`);
    const started = (await this.options.onUnreachable?.(location)) ?? false;
    if (generation !== this.generation) return;
    if (started) this.connectSoon(0);
    else this.retry(generation, reason);
  }

  /** Pages read while events keep flowing: events up to the second seq may or may not be in them (the model sorts that out). */
  private async loadSnapshot(client: TrackerClient, seqBefore: number, generation: number): Promise<void> {
    const started = Date.now();
    const [tasks, { items: agents }] = await Promise.all([client.listAllTasks({ limit: MAX_LIST_LIMIT }), client.listAgents()]);
    const seqAfter = (await client.health()).seq;
    if (generation !== this.generation) return;
    this.model.loadSnapshot({ tasks, agents, seq: seqBefore, uncertainUntil: seqAfter });
    this.needSnapshot = false;
    this.options.logger.info(`loaded ${tasks.length} tasks and ${agents.length} agents in ${Date.now() - started} ms`);
  }

  private openStream(client: TrackerClient, url: string, version: string, generation: number): void {
    this.closeStream();
    const after = this.model.seq;
    this.stream = new StreamConnection(client.endpoint, {
      onOpen: () => {
        this.attempt = 0;
        this.model.setConnection({ kind: 'connected', url, version });
        this.options.logger.info(`following ${url} from seq ${after}`);
        this.watchStore(client, generation);
      },
      onEvent: (event) => this.model.applyEvent(event),
      onLive: (seq) => this.model.markLive(seq),
      onClose: (reason) => {
        if (generation !== this.generation) return;
        this.options.logger.warn(`stream ended: ${reason}`);
        this.stream = undefined;
        this.retry(generation, reason);
      },
    }, { after });
  }

  private retry(generation: number, reason: string): void {
    if (generation !== this.generation || !this.started) return;
    this.model.setConnection({ kind: 'disconnected', reason });
    const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt += 1;
    this.connectSoon(delay);
  }

  private closeStream(): void {
    clearTimeout(this.storeTimer);
    this.storeTimer = undefined;
    this.stream?.close();
    this.stream = undefined;
  }

  /**
   * A daemon in team mode stays reachable when its database goes away: the stream is open but nothing can be written.
   * Its `/healthz` says so; the connection state carries it to the status bar, and clears it once the store is back.
   */
  private watchStore(client: TrackerClient, generation: number): void {
    clearTimeout(this.storeTimer);
    this.storeTimer = setTimeout(() => {
      void client
        .health({ retries: 0 })
        .then(
          (health) => (health.store.ok ? undefined : (health.store.message ?? 'the store cannot take writes')),
          () => undefined,
        )
        .then((storeProblem) => {
          const state = this.model.connection;
          if (generation !== this.generation || state.kind !== 'connected') return;
          if (state.storeProblem !== storeProblem) {
            if (storeProblem) this.options.logger.warn(`the daemon's store is unavailable: ${storeProblem}`);
            this.model.setConnection(storeProblem ? { ...state, storeProblem } : { kind: 'connected', url: state.url, version: state.version });
          }
          this.watchStore(client, generation);
        });
    }, STORE_CHECK_MS);
    this.storeTimer.unref?.();
  }

  /** A restarted daemon writes a new daemon.json (often with a new port): try at once rather than at the next backoff. */
  private watchHome(home: string): void {
    if (this.watchedHome === home) return;
    this.homeWatcher?.close();
    this.homeWatcher = undefined;
    this.watchedHome = home;
    try {
      this.homeWatcher = watch(home, (_kind, file) => {
        if (file === 'daemon.json') this.reconnectNow();
      });
      this.homeWatcher.on('error', () => undefined);
    } catch {
      // The home may not exist yet; the backoff still finds the daemon.
      this.watchedHome = undefined;
    }
  }
}
