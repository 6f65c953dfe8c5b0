/**
 * What every store of a single daemon shares: numbering drafts into events, folding them into the registry view in the
 * same synchronous step (nothing interleaves, so seq stays gap-free and a claim needs no lock), the bookkeeping records,
 * the durable-event listeners, and reads served from the view. A subclass says how a commit becomes durable (`persist`)
 * and publishes its events once they are.
 */
import type { Agent, Task, TrackerEvent } from '../protocol/index.js';
import type { Clock } from '../clock.js';
import { eventIdFactory } from '../ids.js';
import type { BackupImage } from './backup.js';
import { StoreUnavailableError } from './errors.js';
import type { TrackerState } from './state.js';
import type {
  CommitExtras,
  CommitOptions,
  Committed,
  CompactionPlan,
  CompactionResult,
  EventDraft,
  IdempotencyRecord,
  InboxCursor,
  Store,
  StoreHealth,
} from './store.js';

export abstract class LocalStore implements Store {
  abstract readonly kind: string;
  private readonly listeners = new Set<(events: readonly TrackerEvent[]) => void>();
  private readonly newEventId = eventIdFactory();
  private lastNowMs = Number.NaN;
  private lastNowIso = '';

  protected constructor(
    public state: TrackerState,
    protected readonly clock: Clock,
  ) {}

  abstract get durableSeq(): number;
  abstract health(): Promise<StoreHealth>;
  abstract flush(): Promise<void>;
  abstract close(): Promise<void>;
  /** Throws a StoreUnavailableError while the store cannot take writes. */
  protected abstract checkWritable(): void;
  /** Makes a commit durable; calls `publish(events)` once it is (in commit order), then resolves. */
  protected abstract persist(events: TrackerEvent[], extras: CommitExtras, firstSeq: number): Promise<void>;

  get seq(): number {
    return this.state.seq;
  }

  /** Formatted once per millisecond, since a burst of commands asks many times. */
  now(): string {
    const ms = this.clock.now();
    if (ms !== this.lastNowMs) {
      this.lastNowMs = ms;
      this.lastNowIso = new Date(ms).toISOString();
    }
    return this.lastNowIso;
  }

  /** Nothing to wait for: one writer never loses a race to another. */
  settle(): Promise<void> {
    return Promise.resolve();
  }

  onDurable(listener: (events: readonly TrackerEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected publish(events: readonly TrackerEvent[]): void {
    if (events.length > 0) for (const listener of this.listeners) listener(events);
  }

  /** `expect` needs no check here: the engine decided on this very view, and nothing ran in between. */
  commit(drafts: readonly EventDraft[], options: CommitOptions = {}): Committed {
    this.checkWritable();
    const at = this.now();
    const firstSeq = this.state.seq + 1;
    const events = drafts.map((draft, index) => this.buildEvent(draft, at, firstSeq + index));
    for (const event of events) this.state.apply(event);
    const extras = (typeof options.extras === 'function' ? options.extras() : options.extras) ?? {};
    if (extras.idempotency) this.state.idempotency.set(extras.idempotency.key, extras.idempotency);
    if (extras.inbox) this.state.inbox.set(extras.inbox.file, extras.inbox);
    if (events.length === 0 && !extras.idempotency && !extras.inbox) return { events, durable: Promise.resolve() };
    return { events, durable: this.persist(events, extras, firstSeq) };
  }

  protected buildEvent(draft: EventDraft, at: string, seq: number): TrackerEvent {
    const event: TrackerEvent = { seq, id: `evt_${this.newEventId()}`, at, type: draft.type, actor: draft.actor, data: draft.data };
    if (draft.taskId) event.taskId = draft.taskId;
    if (draft.agentId) event.agentId = draft.agentId;
    return event;
  }

  touchTask(task: Task): void {
    this.state.replaceTask(task);
  }

  touchAgent(agent: Agent): void {
    this.state.agents.set(agent.id, agent);
  }

  readFeed(after: number, limit: number): Promise<TrackerEvent[]> {
    const durableSeq = this.durableSeq;
    const events = this.state.eventsAfter(after, limit);
    // The feed's tail may hold events not yet durable: those are published once they are.
    let end = events.length;
    while (end > 0 && (events[end - 1] as TrackerEvent).seq > durableSeq) end--;
    return Promise.resolve(end === events.length ? events : events.slice(0, end));
  }

  readTaskEvents(taskId: string, after = 0, limit = Number.POSITIVE_INFINITY): Promise<TrackerEvent[] | undefined> {
    const events = this.state.taskEvents.get(taskId);
    if (!events) return Promise.resolve(undefined);
    const out: TrackerEvent[] = [];
    for (const event of events) {
      if (out.length >= limit) break;
      if (event.seq > after) out.push(event);
    }
    return Promise.resolve(out);
  }

  idempotencyRecord(key: string): IdempotencyRecord | undefined {
    return this.state.idempotency.get(key);
  }

  inboxCursor(file: string): InboxCursor | undefined {
    return this.state.inbox.get(file);
  }

  inboxCursors(): Iterable<InboxCursor> {
    return this.state.inbox.values();
  }

  /**
   * The registry as of the last durable seq, in maps whose values are immutable: the view itself for a store whose
   * commits are durable as soon as they are published; a store that lags (the file store's flush) keeps its own.
   */
  protected durableImage(): Pick<BackupImage, 'seq'> & {
    tasks: ReadonlyMap<string, Task>;
    agents: ReadonlyMap<string, Agent>;
    idempotency: ReadonlyMap<string, IdempotencyRecord>;
    inbox: ReadonlyMap<string, InboxCursor>;
  } {
    const { tasks, agents, idempotency, inbox } = this.state;
    return { seq: this.durableSeq, tasks, agents, idempotency, inbox };
  }

  /** Captured in one synchronous step, so commits going on meanwhile neither tear it nor wait for it. */
  backup(): Promise<BackupImage> {
    try {
      this.checkWritable();
    } catch {
      return Promise.reject(new StoreUnavailableError('the store is unavailable; try the backup again'));
    }
    const image = this.durableImage();
    const feed = this.state.events;
    // Events past the durable seq (a flush in progress) sit at the feed's end: a few at most.
    let end = feed.length;
    while (end > 0 && (feed[end - 1] as TrackerEvent).seq > image.seq) end--;
    return Promise.resolve({
      seq: image.seq,
      events: feed.slice(0, end),
      tasks: [...image.tasks.values()],
      agents: [...image.agents.values()],
      idempotency: [...image.idempotency.values()],
      inbox: [...image.inbox.values()],
    });
  }

  isLeader(): boolean {
    return true;
  }

  async compact(plan: CompactionPlan): Promise<CompactionResult> {
    this.forget(plan.removed);
    return { bytesBefore: 0, bytesAfter: 0 };
  }

  /**
   * Forgets removed tasks and their histories. The feed keeps their `task.deleted` events, so that a stream client
   * reconnecting with an older `after` still learns of the removal; events of tasks no longer in the registry left by
   * earlier runs (read back from the log at a restart) go. A task created again under a removed id is a new task: it
   * stays.
   */
  protected forget(removed: ReadonlySet<string>): void {
    const { state } = this;
    for (const id of removed) if (!state.tasks.has(id)) state.removeTask(id, true);
    const feed = state.events;
    let kept = 0;
    for (const event of feed) {
      const taskId = event.taskId;
      const orphan = taskId !== undefined && !state.tasks.has(taskId);
      if (orphan && !(removed.has(taskId) && event.type === 'task.deleted')) continue;
      feed[kept++] = event;
    }
    feed.length = kept;
    for (const taskId of state.taskEvents.keys()) if (!state.tasks.has(taskId)) state.taskEvents.delete(taskId);
  }
}
