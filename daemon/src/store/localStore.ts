/**
 * What every store of a single daemon shares: numbering drafts into events, folding them into the registry view in the
 * same synchronous step (nothing interleaves, so seq stays gap-free and a claim needs no lock), the bookkeeping records,
 * the durable-event listeners, and reads served from the view. A subclass says how a commit becomes durable (`persist`)
 * and publishes its events once they are.
 */
import { describeError, TrackerError, UNKEPT_STRING_MESSAGE, encodesUnkeptString, type Agent, type Task, type TrackerEvent } from '../protocol/index.js';
import type { Clock } from '../common/clock.js';
import { eventIdFactory } from '../common/ids.js';
import type { BackupImage } from './backup.js';
import { CommitUnit } from './commitUnit.js';
import { StoreUnavailableError } from './errors.js';
import { noteCommitted } from './writeScope.js';
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
  StoredEvent,
} from './store.js';

/** Events read per step while a backup collects the history. */
const BACKUP_PAGE = 10_000;

export abstract class LocalStore implements Store {
  abstract readonly kind: string;
  private readonly listeners = new Set<(events: readonly TrackerEvent[]) => void>();
  private readonly newEventId = eventIdFactory();
  private lastNowMs = Number.NaN;
  private lastNowIso = '';
  /** The unit of commits being joined (see joinCommits), if any. */
  private unit: CommitUnit | undefined;

  protected constructor(
    public state: TrackerState,
    readonly clock: Clock,
  ) {}

  abstract get durableSeq(): number;
  abstract health(): Promise<StoreHealth>;
  abstract flush(): Promise<void>;
  abstract close(): Promise<void>;
  /** Throws a StoreUnavailableError while the store cannot take writes. */
  protected abstract checkWritable(): void;
  /**
   * Makes a unit of commits durable in one write; calls `publish(events)` once it is (in commit order), then resolves.
   * Never called with an empty unit.
   */
  protected abstract persist(unit: CommitUnit): Promise<void>;

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

  /** The seq up to which every event is in the view and published; a store whose view runs ahead says less. */
  protected get heldSeq(): number {
    return this.durableSeq;
  }

  waitForSeq(seq: number, timeoutMs: number): Promise<boolean> {
    if (this.heldSeq >= seq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (held: boolean) => {
        clearTimeout(timer);
        stop();
        resolve(held);
      };
      const timer = setTimeout(() => done(this.heldSeq >= seq), timeoutMs);
      const stop = this.onDurable(() => {
        if (this.heldSeq >= seq) done(true);
      });
    });
  }

  /** The view is all there is: a task it lacks does not exist. */
  lookUpTask(_taskId: string): Promise<void> {
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
    const open = this.unit;
    if (open) return { events: this.foldInto(open, drafts, options), durable: open.durable };
    // A plain commit is a unit of one, made durable as it returns: no promise of its own beside the write's.
    const unit = this.newUnit();
    const events = this.foldInto(unit, drafts, options);
    return { events, durable: this.seal(unit) };
  }

  joinCommits<T>(work: () => T): { value: T; durable: Promise<void> } {
    const open = this.unit;
    if (open) return { value: work(), durable: open.durable };
    const unit = (this.unit = this.newUnit());
    let durable: Promise<void>;
    let value: T;
    try {
      value = work();
    } finally {
      // Sealed whether or not the work threw: what it folded is in the view, which must never hold what the store does not.
      this.unit = undefined;
      durable = unit.follow(this.seal(unit));
    }
    return { value, durable };
  }

  protected newUnit(): CommitUnit {
    return new CommitUnit();
  }

  /** Numbers the drafts and folds them into the view and the unit, in one synchronous step; returns the events. */
  protected foldInto(unit: CommitUnit, drafts: readonly EventDraft[], options: CommitOptions): TrackerEvent[] {
    this.checkWritable();
    const at = this.now();
    const firstSeq = this.state.seq + 1;
    const events = drafts.map((draft, index) => this.buildEvent(draft, at, firstSeq + index));
    // Encoded before anything changes: an event that cannot be written is refused whole, with nothing in memory and no
    // seq spent, so the view never holds what the log cannot.
    const lines = encodeEvents(events);
    for (const event of events) this.state.apply(event);
    noteCommitted(events);
    const extras = foldExtras(this.state, options);
    unit.add(events, lines, extras);
    return events;
  }

  /** Starts making a unit durable; an empty one costs nothing. */
  protected seal(unit: CommitUnit): Promise<void> {
    return unit.empty ? Promise.resolve() : this.persist(unit);
  }

  /**
   * The envelope's fields go in the order the log's line reader expects (seq and type first, the ids last: lineMeta.ts),
   * which a spread of the draft would not keep; the type and data are the draft's own pair.
   */
  protected buildEvent(draft: EventDraft, at: string, seq: number): TrackerEvent {
    const event = { seq, id: `evt_${this.newEventId()}`, at, type: draft.type, actor: draft.actor, data: draft.data } as TrackerEvent;
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

  abstract readFeed(after: number, limit: number, maxBytes?: number): Promise<StoredEvent[]>;
  abstract readTaskEvents(taskId: string, after?: number, limit?: number): Promise<TrackerEvent[] | undefined>;

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
   * The registry as of the last durable seq, captured in one synchronous step (the values are immutable): the view
   * itself for a store whose commits are durable as soon as they are published; a store that lags (the file store's
   * flush) waits for its pending commits.
   */
  protected durableRecords(): Promise<Omit<BackupImage, 'events'>> {
    return Promise.resolve(this.captureView(this.durableSeq));
  }

  /** The view's records, copied in one synchronous step and labelled with `seq`. */
  protected captureView(seq: number): Omit<BackupImage, 'events'> {
    const { tasks, agents, idempotency, inbox } = this.state;
    return {
      seq,
      tasks: tasks.list(),
      agents: [...agents.values()],
      idempotency: [...idempotency.values()],
      inbox: [...inbox.values()],
    };
  }

  /**
   * The registry is captured in one synchronous step, so commits going on meanwhile neither tear it nor wait for it;
   * the events up to its seq are then read from the store's history a page at a time.
   */
  async backup(): Promise<BackupImage> {
    try {
      this.checkWritable();
    } catch {
      throw new StoreUnavailableError('the store is unavailable; try the backup again');
    }
    const captured = await this.durableRecords();
    const events: TrackerEvent[] = [];
    for (let after = 0; after < captured.seq; ) {
      const page = await this.readFeed(after, BACKUP_PAGE);
      const inImage = page.filter((event) => event.seq <= captured.seq);
      for (const event of inImage) events.push(JSON.parse(event.json) as TrackerEvent);
      if (inImage.length < page.length || page.length === 0) break;
      after = (page.at(-1) as StoredEvent).seq;
    }
    return { ...captured, events };
  }

  isLeader(): boolean {
    return true;
  }

  abstract compact(plan: CompactionPlan): Promise<CompactionResult>;

  /** Forgets removed tasks; a task created again under a removed id meanwhile is a new task: it stays. */
  protected forget(removed: ReadonlySet<string>): void {
    for (const id of removed) if (!this.state.tasks.has(id)) this.state.removeTask(id);
  }
}

/** The commit's bookkeeping records, built after its events are folded in, and kept in the view at once. */
export function foldExtras(state: TrackerState, options: CommitOptions): CommitExtras {
  const extras = (typeof options.extras === 'function' ? options.extras() : options.extras) ?? {};
  if (extras.idempotency) state.idempotency.set(extras.idempotency.key, extras.idempotency);
  if (extras.inbox) state.inbox.set(extras.inbox.file, extras.inbox);
  return extras;
}

/**
 * The events' lines, refused whole (400) when one cannot be written or holds a string no store keeps: the edges refuse
 * those first, naming the field; this is the last guard, so that one bad string never reaches a store whatever path it
 * took, and never fails the writes committed with it.
 */
export function encodeEvents(events: readonly TrackerEvent[]): string[] {
  let lines: string[];
  try {
    lines = events.map((event) => JSON.stringify(event));
  } catch (error) {
    throw new TrackerError('validation_failed', `the change cannot be recorded: ${describeError(error)}`);
  }
  const bad = lines.findIndex(encodesUnkeptString);
  if (bad >= 0) {
    throw new TrackerError('validation_failed', `the change cannot be recorded: its ${events[bad]?.type} event ${UNKEPT_STRING_MESSAGE}`);
  }
  return lines;
}
