/**
 * The file store, the default: the in-memory registry view, the event log that makes each change durable, and the
 * lowdb snapshot, in the daemon's home folder.
 *
 * A commit's events are folded into the view at once (see LocalStore) and appended to the log; its `durable` promise
 * resolves once they are on disk, and only then are they acknowledged and published to stream listeners.
 *
 * The snapshot is taken from a "durable image": the registry as of the last flushed event, kept by reference (tasks are
 * immutable values), so a snapshot never contains an event that a crash could still take back.
 */
import type { Agent, Task, TrackerEvent } from '../../protocol/index.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { HomePaths } from '../../home.js';
import { StorageError, StoreUnavailableError } from '../errors.js';
import { LocalStore } from '../localStore.js';
import type { TrackerState } from '../state.js';
import {
  IDEMPOTENCY_TTL_MS,
  type CommitExtras,
  type CompactionPlan,
  type CompactionResult,
  type IdempotencyRecord,
  type InboxCursor,
  type StoreHealth,
  type StoredEvent,
} from '../store.js';
import { compactionFilter } from './compaction.js';
import type { EventPosition } from './eventIndex.js';
import { describeTailCut, Journal } from './journal.js';
import { recover, type RecordLine, type RecoveryReport } from './recovery.js';
import { Registry, REGISTRY_SCHEMA_VERSION, type RegistryContent } from './snapshot.js';

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
export class FileStore extends LocalStore {
  readonly kind = 'file';
  private image!: DurableImage;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private snapshotting: Promise<void> | undefined;
  private dirty = false;
  private snapshotCostMs = 0;
  private rebuilding: Promise<void> | undefined;
  private lastFailure: string | undefined;
  private closed = false;

  private constructor(
    state: TrackerState,
    private readonly journal: Journal,
    private readonly registry: Registry,
    clock: Clock,
    private readonly log: Logger,
    readonly recovery: RecoveryReport,
  ) {
    super(state, clock);
    this.resetImage();
    journal.onFailure = (error) => this.onStorageFailure(error);
  }

  static async open(paths: HomePaths, clock: Clock, log: Logger): Promise<FileStore> {
    const journal = await Journal.open(paths.events);
    if (journal.tailCut) log.warn(describeTailCut(journal.tailCut));
    const registry = new Registry(paths.registry);
    let recovered;
    try {
      recovered = await recover(registry, journal);
    } catch (error) {
      // A log the daemon refuses to start on must not leave its segment open (the caller may go on running).
      await journal.close();
      throw error;
    }
    const { state, report } = recovered;
    for (const problem of report.problems) log.warn(problem);
    return new FileStore(state, journal, registry, clock, log, report);
  }

  get durableSeq(): number {
    return this.image.seq;
  }

  protected checkWritable(): void {
    if (this.rebuilding || this.closed) throw new StoreUnavailableError();
  }

  protected persist(events: TrackerEvent[], extras: CommitExtras, firstSeq: number, lines: string[]): Promise<void> {
    const record: RecordLine = {};
    if (extras.idempotency) record.idempotency = extras.idempotency;
    if (extras.inbox) record.inbox = extras.inbox;
    if (record.idempotency || record.inbox) {
      try {
        lines.push(JSON.stringify(record));
      } catch (cause) {
        // The events are in the view already (the record describes their outcome): as after a failed write, the view
        // is rebuilt from the disk, which never saw them.
        const error = new StorageError(cause, 'encoding a bookkeeping record');
        this.onStorageFailure(error);
        const refused = Promise.reject(error);
        // Like a failed write's: a commit nobody awaits (fire-and-forget bookkeeping) must not crash the process.
        refused.catch(() => {});
        return refused;
      }
    }
    const touched = this.captureTouched(events);
    return this.journal.append(lines, firstSeq, this.state.seq, () => this.absorb(touched, extras, events), events);
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

  private absorb(touched: ReturnType<FileStore['captureTouched']>, extras: CommitExtras, events: TrackerEvent[]): void {
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
    this.publish(events);
  }

  protected override durableImage(): DurableImage {
    return this.image;
  }

  /** The snapshot picks lease renewals and `lastSeenAt` up, so that a restart does not see every lease as expired. */
  override touchTask(task: Task): void {
    super.touchTask(task);
    if (this.image.tasks.get(task.id)?.version === task.version) {
      this.image.tasks.set(task.id, task);
      this.markDirty();
    }
  }

  override touchAgent(agent: Agent): void {
    super.touchAgent(agent);
    if (this.image.agents.has(agent.id)) {
      this.image.agents.set(agent.id, agent);
      this.markDirty();
    }
  }

  async readFeed(after: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): Promise<StoredEvent[]> {
    // Bounded before anything is read: the index knows each line's length.
    const positions = this.journal.index.after(after, limit, this.durableSeq, maxBytes);
    const texts = await this.journal.read(positions);
    return texts.map((json, i) => ({ seq: (positions[i] as EventPosition).seq, json }));
  }

  async readTaskEvents(taskId: string, after = 0, limit = Number.POSITIVE_INFINITY): Promise<TrackerEvent[] | undefined> {
    // Histories are read from the log, which holds an event once it is written: wait for every commit made so far, so
    // a history holds whatever was applied before it was asked for (an inbox line counted applied, a reply sent).
    await this.flush();
    const positions = this.journal.index.taskPositions(taskId, after, limit);
    if (!positions) return undefined;
    const texts = await this.journal.read(positions);
    return texts.map((json) => JSON.parse(json) as TrackerEvent);
  }

  async health(): Promise<StoreHealth> {
    const bytes = this.journal.totalBytes();
    if (this.closed) return { kind: this.kind, ok: false, message: 'closed', bytes };
    if (this.rebuilding) {
      return { kind: this.kind, ok: false, message: `rebuilding from disk after ${this.lastFailure ?? 'a failed write'}`, bytes };
    }
    return { kind: this.kind, ok: true, bytes };
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
    this.snapshotting = this.registry.write(content);
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
    this.lastFailure = error.message;
    this.rebuilding ??= this.rebuild().finally(() => {
      this.rebuilding = undefined;
    });
  }

  private async rebuild(): Promise<void> {
    await this.journal.drain();
    const { state } = await recover(this.registry, this.journal);
    this.state = state;
    this.resetImage();
  }

  /**
   * Retention's log side: the registry on disk must already lack what earlier runs removed before their last log lines
   * go, so a snapshot comes first; then the log is rewritten without the removed tasks' events (see compaction.ts),
   * the view forgets them, and a snapshot records that.
   */
  override async compact(plan: CompactionPlan): Promise<CompactionResult> {
    await this.snapshot();
    const bytesBefore = this.journal.totalBytes();
    await this.journal.rewrite(compactionFilter(this.journal.segmentList, plan.removed, (id) => this.state.tasks.has(id), this.clock.now()));
    for (const id of plan.removed) if (!this.state.tasks.has(id)) this.image.tasks.delete(id);
    this.forget(plan.removed);
    this.journal.index.pruneTaskHistories((taskId) => this.state.tasks.has(taskId));
    this.markDirty();
    await this.snapshot();
    return { bytesBefore, bytesAfter: this.journal.totalBytes() };
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
