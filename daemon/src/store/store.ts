/**
 * The store: the in-memory registry, the event log that makes each change durable, and the lowdb snapshot.
 *
 * A change is a list of event drafts. `commit` numbers them, folds them into the registry at once (so the next request
 * already sees them: claims stay atomic without locks), and appends them to the log; its `durable` promise resolves
 * once they are on disk, and only then are they acknowledged and published to stream listeners.
 *
 * The snapshot is taken from a "durable image": the registry as of the last flushed event, kept by reference (tasks are
 * immutable values), so a snapshot never contains an event that a crash could still take back.
 */
import type { Agent, EventType, Task, TrackerEvent } from '../protocol/index.js';
import { TrackerError } from '../protocol/index.js';
import { type Clock } from '../clock.js';
import { eventIdFactory } from '../ids.js';
import type { Logger } from '../logger.js';
import type { IdempotencyRecord, InboxCursor, TrackerState } from '../engine/state.js';
import type { HomePaths } from '../home.js';
import type { BackupImage } from './backup.js';
import { Journal, StorageError } from './journal.js';
import { recover, type RecordLine, type RecoveryReport } from './recovery.js';
import { Registry, REGISTRY_SCHEMA_VERSION, serializeRegistry, type RegistryContent } from './registry.js';

export interface EventDraft {
  type: EventType;
  taskId?: string;
  agentId?: string;
  actor: string;
  data: Record<string, unknown>;
}

export interface CommitExtras {
  idempotency?: IdempotencyRecord;
  inbox?: InboxCursor;
}

export interface Committed {
  events: TrackerEvent[];
  durable: Promise<void>;
}

interface DurableImage {
  seq: number;
  tasks: Map<string, Task>;
  agents: Map<string, Agent>;
  idempotency: Map<string, IdempotencyRecord>;
  inbox: Map<string, InboxCursor>;
}

const MIN_SNAPSHOT_INTERVAL_MS = 1000;
const MAX_SNAPSHOT_INTERVAL_MS = 30_000;
/** The snapshot may take at most 1/50 of the daemon's time, however large the registry grows. */
const SNAPSHOT_COST_FACTOR = 50;
/** How long an idempotency record is kept (the contract asks for at least 24 h); retention drops older log records. */
export const IDEMPOTENCY_TTL_MS = 48 * 60 * 60 * 1000;

export class Store {
  private image!: DurableImage;
  private readonly listeners = new Set<(events: readonly TrackerEvent[]) => void>();
  private readonly newEventId = eventIdFactory();
  private snapshotTimer: NodeJS.Timeout | undefined;
  private snapshotting: Promise<void> | undefined;
  private dirty = false;
  private snapshotCostMs = 0;
  private rebuilding: Promise<void> | undefined;
  private closed = false;
  private lastNowMs = Number.NaN;
  private lastNowIso = '';

  private constructor(
    public state: TrackerState,
    readonly journal: Journal,
    private readonly registry: Registry,
    private readonly clock: Clock,
    private readonly log: Logger,
    readonly recovery: RecoveryReport,
  ) {
    this.resetImage();
    journal.onFailure = (error) => this.onStorageFailure(error);
  }

  static async open(paths: HomePaths, clock: Clock, log: Logger): Promise<Store> {
    const journal = await Journal.open(paths.events);
    const registry = new Registry(paths.registry);
    let recovered;
    try {
      recovered = await recover(registry, journal.segmentList);
    } catch (error) {
      // A log the daemon refuses to start on must not leave its segment open (the caller may go on running).
      await journal.close();
      throw error;
    }
    const { state, report } = recovered;
    for (const problem of report.problems) log.warn(problem);
    return new Store(state, journal, registry, clock, log, report);
  }

  get seq(): number {
    return this.state.seq;
  }

  /** The seq of the last event on disk (what a stream may publish). */
  get durableSeq(): number {
    return this.image.seq;
  }

  /** The current time as ISO-8601; formatted once per millisecond, since a burst of commands asks many times. */
  now(): string {
    const ms = this.clock.now();
    if (ms !== this.lastNowMs) {
      this.lastNowMs = ms;
      this.lastNowIso = new Date(ms).toISOString();
    }
    return this.lastNowIso;
  }

  /** Registers a listener for events once they are durable, in seq order. */
  onDurable(listener: (events: readonly TrackerEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * `extras` may be a function: it runs after the events are folded in, so a stored idempotent response can show the
   * state they produced, and it is written in the same flush as the events.
   */
  commit(drafts: readonly EventDraft[], extrasOrBuild: CommitExtras | (() => CommitExtras) = {}): Committed {
    if (this.rebuilding || this.closed) {
      throw new TrackerError('unavailable', 'the event log is unavailable; nothing was recorded');
    }
    const at = this.now();
    const firstSeq = this.state.seq + 1;
    // Numbered and applied in one synchronous step: nothing can interleave, so seq stays gap-free.
    const events = drafts.map((draft, index) => this.buildEvent(draft, at, firstSeq + index));
    for (const event of events) this.state.apply(event);
    const extras = typeof extrasOrBuild === 'function' ? extrasOrBuild() : extrasOrBuild;
    if (extras.idempotency) this.state.idempotency.set(extras.idempotency.key, extras.idempotency);
    if (extras.inbox) this.state.inbox.set(extras.inbox.file, extras.inbox);

    const lines = events.map((event) => JSON.stringify(event));
    const record: RecordLine = {};
    if (extras.idempotency) record.idempotency = extras.idempotency;
    if (extras.inbox) record.inbox = extras.inbox;
    if (record.idempotency || record.inbox) lines.push(JSON.stringify(record));
    if (lines.length === 0) return { events, durable: Promise.resolve() };

    const touched = this.captureTouched(events);
    const durable = this.journal.append(lines, firstSeq, this.state.seq, () => {
      this.absorb(touched, extras, events);
    });
    return { events, durable };
  }

  private buildEvent(draft: EventDraft, at: string, seq: number): TrackerEvent {
    const event: TrackerEvent = {
      seq,
      id: `evt_${this.newEventId()}`,
      at,
      type: draft.type,
      actor: draft.actor,
      data: draft.data,
    };
    if (draft.taskId) event.taskId = draft.taskId;
    if (draft.agentId) event.agentId = draft.agentId;
    return event;
  }

  /** The tasks and agents as this commit left them: the values the durable image takes once it is on disk. */
  private captureTouched(events: readonly TrackerEvent[]) {
    // Plain arrays: most commits touch one task, and two maps per commit were a measurable share of bulk ingest.
    const tasks: [string, Task | undefined][] = [];
    const agents: Agent[] = [];
    for (const event of events) {
      if (event.taskId) tasks.push([event.taskId, this.state.tasks.get(event.taskId)]);
      const agent = event.agentId === undefined ? undefined : this.state.agents.get(event.agentId);
      if (agent) agents.push(agent);
    }
    return { tasks, agents, seq: this.state.seq };
  }

  private absorb(touched: ReturnType<Store['captureTouched']>, extras: CommitExtras, events: TrackerEvent[]): void {
    const image = this.image;
    for (const [id, task] of touched.tasks) {
      if (task) image.tasks.set(id, task);
      else image.tasks.delete(id);
    }
    for (const agent of touched.agents) image.agents.set(agent.id, agent);
    if (extras.idempotency) image.idempotency.set(extras.idempotency.key, extras.idempotency);
    if (extras.inbox) image.inbox.set(extras.inbox.file, extras.inbox);
    image.seq = Math.max(image.seq, touched.seq);
    this.markDirty();
    if (events.length > 0) for (const listener of this.listeners) listener(events);
  }

  /**
   * Replaces a task or agent without an event: lease renewals and `lastSeenAt`, which heartbeats keep fresh without
   * flooding the log. The snapshot picks them up so that a restart does not see every lease as long expired.
   */
  touchTask(task: Task): void {
    this.state.replaceTask(task);
    if (this.image.tasks.get(task.id)?.version === task.version) {
      this.image.tasks.set(task.id, task);
      this.markDirty();
    }
  }

  touchAgent(agent: Agent): void {
    this.state.agents.set(agent.id, agent);
    if (this.image.agents.has(agent.id)) {
      this.image.agents.set(agent.id, agent);
      this.markDirty();
    }
  }

  /**
   * The registry as of the last durable seq, for a backup: captured in one synchronous step (tasks, agents and events
   * are immutable values), so commits going on meanwhile neither tear it nor wait for it.
   */
  backupImage(): BackupImage {
    if (this.rebuilding || this.closed) {
      throw new TrackerError('unavailable', 'the event log is unavailable; try the backup again');
    }
    const image = this.image;
    const feed = this.state.events;
    // Events past the durable seq (a flush in progress) sit at the feed's end: a few at most.
    let end = feed.length;
    while (end > 0 && (feed[end - 1] as TrackerEvent).seq > image.seq) end--;
    return {
      seq: image.seq,
      events: feed.slice(0, end),
      tasks: [...image.tasks.values()],
      agents: [...image.agents.values()],
      idempotency: [...image.idempotency.values()],
      inbox: [...image.inbox.values()],
    };
  }

  /** Waits until every commit made so far is on disk. */
  async flush(): Promise<void> {
    await this.journal.drain();
  }

  private markDirty(): void {
    this.dirty = true;
    // While a snapshot is being written its cost is not known yet: the next one is scheduled when it ends, from that
    // cost, or a growing registry would be snapshotted every second at the cost of the previous, smaller, snapshot.
    if (this.snapshotTimer || this.snapshotting || this.closed) return;
    const delay = Math.min(
      MAX_SNAPSHOT_INTERVAL_MS,
      Math.max(MIN_SNAPSHOT_INTERVAL_MS, this.snapshotCostMs * SNAPSHOT_COST_FACTOR),
    );
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = undefined;
      void this.snapshot().catch((error: unknown) => this.log.error(`snapshot failed: ${String(error)}`));
    }, delay);
    this.snapshotTimer.unref();
  }

  /** Writes registry.json from the durable image. */
  async snapshot(): Promise<void> {
    while (this.snapshotting) await this.snapshotting;
    if (!this.dirty) return;
    this.dirty = false;
    const started = performance.now();
    this.pruneIdempotency();
    const image = this.image;
    // Captured in one synchronous step (values are immutable), then serialized in slices while requests go on.
    const content: RegistryContent = {
      meta: { seq: image.seq, savedAt: this.now(), schemaVersion: REGISTRY_SCHEMA_VERSION },
      tasks: [...image.tasks.values()],
      agents: [...image.agents.values()],
      idempotency: [...image.idempotency.values()],
      inbox: [...image.inbox.values()],
    };
    this.snapshotting = serializeRegistry(content).then((json) => this.registry.write(json));
    try {
      await this.snapshotting;
    } catch (error) {
      this.dirty = true;
      throw error;
    } finally {
      this.snapshotting = undefined;
      this.snapshotCostMs = performance.now() - started;
      if (this.dirty) this.markDirty();
    }
  }

  private pruneIdempotency(): void {
    const cutoff = this.clock.now() - IDEMPOTENCY_TTL_MS;
    for (const map of [this.image.idempotency, this.state.idempotency]) {
      for (const [key, record] of map) if (Date.parse(record.at) < cutoff) map.delete(key);
    }
  }

  private resetImage(): void {
    this.image = {
      seq: this.state.seq,
      tasks: new Map(this.state.tasks),
      agents: new Map(this.state.agents),
      idempotency: new Map(this.state.idempotency),
      inbox: new Map(this.state.inbox),
    };
  }

  /**
   * A failed write leaves memory ahead of the disk. Nothing of it was acknowledged, so the registry is rebuilt from
   * the disk, and requests get 503 until that is done.
   */
  private onStorageFailure(error: StorageError): void {
    this.log.error(`${error.message}; rebuilding the registry from disk`);
    this.rebuilding ??= this.rebuild().finally(() => {
      this.rebuilding = undefined;
    });
  }

  private async rebuild(): Promise<void> {
    await this.journal.drain();
    const { state } = await recover(this.registry, this.journal.segmentList);
    this.state = state;
    this.resetImage();
  }

  /** Used by retention after it removed tasks and compacted the log. */
  forgetTasks(ids: ReadonlySet<string>): void {
    for (const id of ids) {
      this.state.removeTask(id, true);
      this.image.tasks.delete(id);
    }
    this.state.pruneEvents(ids);
    this.markDirty();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
    await this.journal.drain();
    this.dirty = true;
    await this.snapshot();
    await this.journal.close();
  }
}

export { StorageError };
