/**
 * The file store, the default: the in-memory registry view, the event log that makes each change durable, and the
 * lowdb snapshot, in the daemon's home folder.
 *
 * A commit's events are folded into the view at once (see LocalStore) and appended to the log; its `durable` promise
 * resolves once they are on disk, and only then are they acknowledged and published to stream listeners.
 *
 * The snapshot is taken from the "durable image" (durableImage.ts): the registry as of the last flushed event, so a
 * snapshot never contains an event that a crash could still take back.
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
import type { BackupImage } from '../backup.js';
import { compactionFilter } from './compaction.js';
import { DurableMap } from './durableImage.js';
import type { EventPosition } from './eventIndex.js';
import { describeTailCut, Journal } from './journal.js';
import { recover, type RecordLine, type RecoveryReport } from './recovery.js';
import { Registry, REGISTRY_SCHEMA_VERSION, type RegistryContent } from './snapshot.js';

/** The view's maps as of the last durable seq. */
interface DurableImage {
  seq: number;
  tasks: DurableMap<Task>;
  agents: DurableMap<Agent>;
  idempotency: DurableMap<IdempotencyRecord>;
  inbox: DurableMap<InboxCursor>;
}

const MIN_SNAPSHOT_INTERVAL_MS = 1000;
const MAX_SNAPSHOT_INTERVAL_MS = 30_000;
/** The snapshot may take at most 1/50 of the daemon's time, however large the registry grows. */
const SNAPSHOT_COST_FACTOR = 50;
export class FileStore extends LocalStore {
  readonly kind = 'file';
  private readonly image: DurableImage;
  /** Numbers commits, so that a value held for several pending commits is released by the last of them. */
  private commits = 0;
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
    this.image = {
      seq: state.seq,
      tasks: new DurableMap(() => this.state.tasks, (task) => task.id),
      agents: new DurableMap(() => this.state.agents, (agent) => agent.id),
      idempotency: new DurableMap(() => this.state.idempotency, (record) => record.key),
      inbox: new DurableMap(() => this.state.inbox, (cursor) => cursor.file),
    };
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
    return this.journal.append(lines, firstSeq, touched.seq, () => this.absorb(touched, extras, events), events);
  }

  /**
   * What this commit left in the view: the durable values once it is on disk, for as long as a later commit that
   * touched the same records is still pending.
   */
  private captureTouched(events: readonly TrackerEvent[]) {
    // Plain arrays: most commits touch one task, and maps per commit were a measurable share of bulk ingest.
    const tasks: [string, Task | undefined][] = [];
    const agents: [string, Agent | undefined][] = [];
    for (const event of events) {
      if (event.taskId !== undefined) tasks.push([event.taskId, this.state.tasks.get(event.taskId)]);
      if (event.agentId !== undefined) agents.push([event.agentId, this.state.agents.get(event.agentId)]);
    }
    return { commit: this.commits, seq: this.state.seq, tasks, agents };
  }

  /** Before a commit folds its events in: the durable image holds what they are about to replace. */
  protected override beforeFold(events: readonly TrackerEvent[]): void {
    const commit = ++this.commits;
    for (const event of events) {
      if (event.taskId !== undefined) this.image.tasks.hold(event.taskId, commit);
      if (event.agentId !== undefined) this.image.agents.hold(event.agentId, commit);
    }
  }

  protected override beforeBookkeeping(extras: CommitExtras): void {
    if (extras.idempotency) this.image.idempotency.hold(extras.idempotency.key, this.commits);
    if (extras.inbox) this.image.inbox.hold(extras.inbox.file, this.commits);
  }

  /** A commit is on disk: what it changed is durable now (unless a later pending commit changed it again). */
  private absorb(touched: ReturnType<FileStore['captureTouched']>, extras: CommitExtras, events: TrackerEvent[]): void {
    const { image } = this;
    const { commit } = touched;
    for (const [id, task] of touched.tasks) image.tasks.release(id, commit, task);
    for (const [id, agent] of touched.agents) image.agents.release(id, commit, agent);
    if (extras.idempotency) image.idempotency.release(extras.idempotency.key, commit, extras.idempotency);
    if (extras.inbox) image.inbox.release(extras.inbox.file, commit, extras.inbox);
    image.seq = Math.max(image.seq, touched.seq);
    this.markDirty();
    this.publish(events);
  }

  protected override async durableRecords(): Promise<Omit<BackupImage, 'events'>> {
    const { image } = this;
    // All four captured in the same synchronous step, then resolved while requests go on.
    const seq = image.seq;
    const tasks = image.tasks.capture();
    const agents = image.agents.capture();
    const idempotency = image.idempotency.capture();
    const inbox = image.inbox.capture();
    return {
      seq,
      tasks: await image.tasks.resolve(tasks),
      agents: await image.agents.resolve(agents),
      idempotency: await image.idempotency.resolve(idempotency),
      inbox: await image.inbox.resolve(inbox),
    };
  }

  /**
   * The snapshot picks lease renewals and `lastSeenAt` up, so that a restart does not see every lease as expired; a
   * record a pending commit changed takes the renewal with it once that commit is durable.
   */
  override touchTask(task: Task): void {
    super.touchTask(task);
    if (this.image.tasks.isDurable(task.id)) this.markDirty();
  }

  override touchAgent(agent: Agent): void {
    super.touchAgent(agent);
    if (this.image.agents.isDurable(agent.id)) this.markDirty();
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
    // Captured at one instant (values are immutable), then serialized in slices while requests go on.
    const savedAt = this.now();
    this.snapshotting = this.durableRecords().then(({ seq, ...records }) => {
      const content: RegistryContent = { meta: { seq, savedAt, schemaVersion: REGISTRY_SCHEMA_VERSION }, ...records };
      return this.registry.write(content);
    });
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
    const records = this.state.idempotency;
    for (const [key, record] of records) {
      if (Date.parse(record.at) >= cutoff) continue;
      records.delete(key);
      this.image.idempotency.drop(key);
    }
  }

  /** After a rebuild the view is what the disk holds: nothing is pending. */
  private resetImage(): void {
    const image = this.image;
    image.seq = this.state.seq;
    for (const map of [image.tasks, image.agents, image.idempotency, image.inbox]) map.clear();
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
    for (const id of plan.removed) if (!this.state.tasks.has(id)) this.image.tasks.drop(id);
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
