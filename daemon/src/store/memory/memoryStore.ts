/**
 * A store that keeps everything in memory and nothing on disk: `createApp` and the engine run on it in tests and in
 * embedders that need no persistence. A unit of commits is durable at the next microtask, in commit order.
 */
import type { Agent, Task, TrackerEvent } from '../../protocol/index.js';
import { systemClock, type Clock } from '../../common/clock.js';
import type { BackupImage } from '../backup.js';
import { CommitUnit } from '../commitUnit.js';
import { StoreUnavailableError } from '../errors.js';
import { withinBytes, type IdempotencyRecord, type InboxCursor, type StoredEvent } from '../records.js';
import { backupFromHistory, RegistryView } from '../registryView.js';
import { TrackerState } from '../state.js';
import type { CommitOptions, Committed, CompactionPlan, CompactionResult, EventDraft, Store, StoreHealth } from '../store.js';
import { MemoryHistory } from './memoryHistory.js';

export class MemoryStore implements Store {
  readonly kind = 'memory';
  private durable = 0;
  private last: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly history = new MemoryHistory();
  private readonly view: RegistryView;

  constructor(clock: Clock = systemClock) {
    this.view = new RegistryView(new TrackerState(), clock, {
      numbering: 'view',
      checkWritable: () => this.checkWritable(),
      newUnit: () => new CommitUnit(),
      write: (unit) => this.write(unit),
    });
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
    if (this.closed) throw new StoreUnavailableError('the store is closed; nothing was recorded');
  }

  commit(drafts: readonly EventDraft[], options?: CommitOptions): Committed {
    return this.view.commit(drafts, options);
  }

  joinCommits<T>(work: () => T): { value: T; durable: Promise<void> } {
    return this.view.joinCommits(work);
  }

  private write({ events }: CommitUnit): Promise<void> {
    const lastSeq = this.view.state.seq;
    for (const event of events) this.history.add(event);
    this.last = Promise.resolve().then(() => {
      this.durable = Math.max(this.durable, lastSeq);
      this.view.publish(events);
    });
    return this.last;
  }

  touchTask(task: Task): void {
    this.view.touchTask(task);
  }

  touchAgent(agent: Agent): void {
    this.view.touchAgent(agent);
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

  readFeed(after: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): Promise<StoredEvent[]> {
    const events = this.history.after(after, limit, this.durable).map((event) => ({ seq: event.seq, json: JSON.stringify(event) }));
    return Promise.resolve(withinBytes(events, maxBytes, (event) => event.json.length));
  }

  readTaskEvents(taskId: string, after = 0, limit = Number.POSITIVE_INFINITY): Promise<TrackerEvent[] | undefined> {
    const events = this.history.task(taskId);
    if (!events) return Promise.resolve(undefined);
    return Promise.resolve(events.filter((event) => event.seq > after).slice(0, limit));
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

  /** Every commit is durable as soon as it is published: the view as of the last durable seq is the view itself. */
  backup(): Promise<BackupImage> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('the store is unavailable; try the backup again'));
    return backupFromHistory(Promise.resolve(this.view.capture(this.durable)), (after, limit) => this.readFeed(after, limit));
  }

  compact(plan: CompactionPlan): Promise<CompactionResult> {
    this.view.forget(plan.removed);
    this.history.prune(plan.removed, (taskId) => this.view.state.tasks.has(taskId));
    return Promise.resolve({ bytesBefore: 0, bytesAfter: 0 });
  }

  isLeader(): boolean {
    return true;
  }

  health(): Promise<StoreHealth> {
    return Promise.resolve(this.closed ? { kind: this.kind, ok: false, message: 'closed' } : { kind: this.kind, ok: true });
  }

  flush(): Promise<void> {
    return this.last;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.last;
  }
}
