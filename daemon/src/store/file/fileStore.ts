/**
 * The file store, the default: the in-memory registry view, the event log that makes each change durable, and the
 * lowdb snapshot, in the daemon's home folder.
 *
 * A commit's events are folded into the view at once (see registryView.ts) and appended to the log; its `durable` promise
 * resolves once they are on disk, and only then are they acknowledged and published to stream listeners.
 *
 * A snapshot or a backup captures the view at its current seq, then waits until the log holds every event up to that
 * seq before it is written or handed out: it never contains an event that a crash could still take back, and it is
 * dropped if the write of one fails. Waiting for the flush in flight costs a snapshot a few milliseconds; keeping the
 * registry as of the last durable seq beside the view instead cost every commit about a tenth of its time in bulk
 * ingest.
 */
import type { Agent, Task, TrackerEvent } from '../../protocol/index.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { HomePaths } from '../../home/home.js';
import { CommitUnit } from '../commitUnit.js';
import { StorageError, StoreUnavailableError } from '../errors.js';
import { backupFromHistory, RegistryView } from '../registryView.js';
import type { TrackerState } from '../state.js';
import { IDEMPOTENCY_TTL_MS, type IdempotencyRecord, type InboxCursor, type StoredEvent } from '../records.js';
import type { CommitOptions, Committed, CompactionPlan, CompactionResult, EventDraft, Store, StoreHealth } from '../store.js';
import type { BackupImage } from '../backup.js';
import { compactionFilter } from './compaction.js';
import type { EventPosition } from './eventIndex.js';
import { describeTailCut, Journal } from './journal.js';
import { recover, type RecordLine, type RecoveryReport } from './recovery.js';
import { Registry, REGISTRY_SCHEMA_VERSION, type RegistryContent } from './snapshot.js';
import { whenSettled, handledElsewhere, describeError } from '../../protocol/index.js';

const MIN_SNAPSHOT_INTERVAL_MS = 1000;
const MAX_SNAPSHOT_INTERVAL_MS = 30_000;
/** The snapshot may take at most 1/50 of the daemon's time, however large the registry grows. */
const SNAPSHOT_COST_FACTOR = 50;
export class FileStore implements Store {
  readonly kind = 'file';
  /** The highest seq the log holds on disk. */
  private durable: number;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private snapshotting: Promise<void> | undefined;
  private dirty = false;
  private snapshotCostMs = 0;
  private rebuilding: Promise<void> | undefined;
  /** From a failed write until the view is rebuilt from the disk: the view holds what the disk does not. */
  private aheadOfDisk = false;
  private lastFailure: string | undefined;
  private closed = false;
  private readonly view: RegistryView;

  private constructor(
    state: TrackerState,
    private readonly journal: Journal,
    private readonly registry: Registry,
    clock: Clock,
    private readonly log: Logger,
    readonly recovery: RecoveryReport,
  ) {
    this.view = new RegistryView(state, clock, {
      numbering: 'view',
      checkWritable: () => this.checkWritable(),
      newUnit: () => new CommitUnit(),
      write: (unit) => this.write(unit),
    });
    this.durable = state.seq;
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

  get state(): TrackerState {
    return this.view.state;
  }

  get seq(): number {
    return this.view.state.seq;
  }

  get durableSeq(): number {
    return this.durable;
  }

  get clock(): Clock {
    return this.view.clock;
  }

  now(): string {
    return this.view.now();
  }

  private checkWritable(): void {
    if (this.rebuilding || this.closed) throw new StoreUnavailableError();
  }

  /** The unit's events, then one record with its bookkeeping, then the commit marker: one write, kept whole or not at all. */
  private write(unit: CommitUnit): Promise<void> {
    const { events } = unit;
    const lines = unit.lines;
    if (unit.idempotency.length > 0 || unit.inbox.length > 0) {
      const record: RecordLine = {};
      if (unit.idempotency.length > 0) record.idempotency = unit.idempotency;
      if (unit.inbox.length > 0) record.inbox = unit.inbox;
      try {
        lines.push(JSON.stringify(record));
      } catch (cause) {
        // The events are in the view already (the record describes their outcome): as after a failed write, the view
        // is rebuilt from the disk, which never saw them.
        const error = new StorageError(cause, 'encoding a bookkeeping record');
        this.onStorageFailure(error);
        const refused = Promise.reject(error);
        // Like a failed write's: a commit nobody awaits (fire-and-forget bookkeeping) must not crash the process.
        handledElsewhere(refused);
        return refused;
      }
    }
    const lastSeq = this.state.seq;
    this.markDirty();
    return this.journal.append(lines, events[0]?.seq ?? lastSeq + 1, lastSeq, () => this.acknowledge(lastSeq, events), events);
  }

  /** A commit is on disk: its events may be acknowledged and published. */
  private acknowledge(lastSeq: number, events: readonly TrackerEvent[]): void {
    this.durable = Math.max(this.durable, lastSeq);
    this.view.publish(events);
  }

  /**
   * The view at its current seq, captured in one synchronous step (its values are immutable), once the log holds
   * every event up to that seq. Rejects if one of those events fails to be written: the view held it, the disk does
   * not. While the view is rebuilt after such a failure it is ahead of the disk with nothing left to wait for.
   */
  private async durableRecords(): Promise<Omit<BackupImage, 'events'>> {
    if (this.aheadOfDisk) throw new StoreUnavailableError('the registry is being rebuilt from disk; try again');
    const captured = this.view.capture(this.state.seq);
    await this.journal.written();
    return captured;
  }

  /** The snapshot picks lease renewals and `lastSeenAt` up, so that a restart does not see every lease as expired. */
  touchTask(task: Task): void {
    this.view.touchTask(task);
    this.markDirty();
  }

  touchAgent(agent: Agent): void {
    this.view.touchAgent(agent);
    this.markDirty();
  }

  commit(drafts: readonly EventDraft[], options?: CommitOptions): Committed {
    return this.view.commit(drafts, options);
  }

  joinCommits<T>(work: () => T): { value: T; durable: Promise<void> } {
    return this.view.joinCommits(work);
  }

  /** Nothing to wait for: one writer never loses a race to another. */
  settle(): Promise<void> {
    return Promise.resolve();
  }

  waitForSeq(seq: number, timeoutMs: number): Promise<boolean> {
    return this.view.waitForSeq(() => this.durable, seq, timeoutMs);
  }

  /** The view is all there is: a task it lacks does not exist. */
  lookUpTask(): Promise<void> {
    return Promise.resolve();
  }

  onDurable(listener: (events: readonly TrackerEvent[]) => void): () => void {
    return this.view.onDurable(listener);
  }

  idempotencyRecord(key: string): IdempotencyRecord | undefined {
    return this.view.idempotencyRecord(key);
  }

  inboxCursor(file: string): InboxCursor | undefined {
    return this.view.inboxCursor(file);
  }

  inboxCursors(): Iterable<InboxCursor> {
    return this.view.inboxCursors();
  }

  /** The records as of a durable seq (see durableRecords), then the events up to it from the log. */
  backup(): Promise<BackupImage> {
    if (this.rebuilding || this.closed) return Promise.reject(new StoreUnavailableError('the store is unavailable; try the backup again'));
    return backupFromHistory(this.durableRecords(), (after, limit) => this.readFeed(after, limit));
  }

  isLeader(): boolean {
    return true;
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
      void this.snapshot().catch((error: unknown) => this.log.error(`snapshot failed: ${describeError(error)}`));
    }, delay);
    this.snapshotTimer.unref();
  }

  /** Writes registry.json from the view as of a durable seq (see durableRecords). */
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
    for (const [key, record] of records) if (Date.parse(record.at) < cutoff) records.delete(key);
  }

  /**
   * A failed write leaves memory ahead of the disk. Nothing of it was acknowledged, so the registry is rebuilt from
   * the disk, and requests get 503 until that is done.
   */
  private onStorageFailure(error: StorageError): void {
    this.log.error(`${error.message}; rebuilding the registry from disk`);
    this.lastFailure = error.message;
    this.aheadOfDisk = true;
    this.rebuilding ??= this.rebuild().finally(() => {
      this.rebuilding = undefined;
    });
  }

  private async rebuild(): Promise<void> {
    await this.journal.drain();
    const { state } = await recover(this.registry, this.journal);
    this.view.state = state;
    this.durable = state.seq;
    this.aheadOfDisk = false;
  }

  /**
   * Retention's log side: the registry on disk must already lack what earlier runs removed before their last log lines
   * go, so a snapshot comes first; then the log is rewritten without the removed tasks' events (see compaction.ts),
   * the view forgets them, and a snapshot records that.
   */
  async compact(plan: CompactionPlan): Promise<CompactionResult> {
    await this.snapshot();
    const bytesBefore = this.journal.totalBytes();
    await this.journal.rewrite(compactionFilter(this.journal.segmentList, plan.removed, (id) => this.state.tasks.has(id), this.clock.now()));
    this.view.forget(plan.removed);
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
    // A rebuild under way ends first; if it failed, the view is not what the disk holds and is not saved.
    await whenSettled(this.rebuilding);
    this.dirty = true;
    if (!this.aheadOfDisk) await this.snapshot();
    await this.journal.close();
  }
}
