/**
 * The registry view every store composes: numbering drafts into events and folding them into the view in the same
 * synchronous step (nothing interleaves, so seq stays gap-free and a claim needs no lock), units of commits
 * (Store.joinCommits), the listeners of durable events, the bookkeeping records, and the reads served from the view.
 * What differs between stores is how a unit becomes durable: each store says so through its `Durability`.
 */
import type { Agent, Task, TrackerEvent } from '../protocol/index.js';
import { describeError, TrackerError, UNKEPT_STRING_MESSAGE, encodesUnkeptString } from '../protocol/index.js';
import type { Clock } from '../common/clock.js';
import { eventIdFactory } from '../common/ids.js';
import type { BackupImage } from './backup.js';
import type { CommitUnit } from './commitUnit.js';
import type { CommitExtras, IdempotencyRecord, InboxCursor, StoredEvent } from './records.js';
import type { TrackerState } from './state.js';
import type { CommitOptions, Committed, EventDraft } from './store.js';
import { noteCommitted } from './writeScope.js';

/** Events read per step while a backup collects the history. */
const BACKUP_PAGE = 10_000;

/** How a store makes the view's commits durable. */
export interface Durability<U extends CommitUnit = CommitUnit> {
  /**
   * Who numbers the events: the view as it folds them (a store with one writer), or the store as it writes them (a
   * shared database, where they stay 0 until then).
   */
  readonly numbering: 'view' | 'store';
  /** Throws a StoreUnavailableError (or a conflict) while the store cannot take writes. */
  checkWritable(): void;
  newUnit(): U;
  /** Sees a commit's events once they are encoded, before they fold into the view (its tasks are as they were). */
  beforeFold?(unit: U, events: readonly TrackerEvent[]): void;
  /**
   * Starts making a unit durable; never called with an empty one. The store calls the view's `publish` once its
   * events are durable, in seq order.
   */
  write(unit: U): Promise<void>;
}

export class RegistryView<U extends CommitUnit = CommitUnit> {
  private readonly listeners = new Set<(events: readonly TrackerEvent[]) => void>();
  private readonly newEventId = eventIdFactory();
  private lastNowMs = Number.NaN;
  private lastNowIso = '';
  /** The unit of commits being joined (see joinCommits), if any. */
  private unit: U | undefined;

  constructor(
    /** Replaced whole when a store rebuilds its view (from the disk, from the database). */
    public state: TrackerState,
    readonly clock: Clock,
    private readonly durability: Durability<U>,
  ) {}

  /** Formatted once per millisecond, since a burst of commands asks many times. */
  now(): string {
    const ms = this.clock.now();
    if (ms !== this.lastNowMs) {
      this.lastNowMs = ms;
      this.lastNowIso = new Date(ms).toISOString();
    }
    return this.lastNowIso;
  }

  onDurable(listener: (events: readonly TrackerEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: readonly TrackerEvent[]): void {
    if (events.length > 0) for (const listener of this.listeners) listener(events);
  }

  commit(drafts: readonly EventDraft[], options: CommitOptions = {}): Committed {
    const open = this.unit;
    if (open) return { events: this.fold(open, drafts, options), durable: open.durable };
    // A plain commit is a unit of one, made durable as it returns: no promise of its own beside the write's.
    const unit = this.durability.newUnit();
    const events = this.fold(unit, drafts, options);
    return { events, durable: this.seal(unit) };
  }

  joinCommits<T>(work: () => T): { value: T; durable: Promise<void> } {
    const open = this.unit;
    if (open) return { value: work(), durable: open.durable };
    const unit = (this.unit = this.durability.newUnit());
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

  /** Numbers the drafts and folds them into the view and the unit, in one synchronous step; returns the events. */
  private fold(unit: U, drafts: readonly EventDraft[], options: CommitOptions): TrackerEvent[] {
    const { durability, state } = this;
    durability.checkWritable();
    const at = this.now();
    const numbered = durability.numbering === 'view';
    const firstSeq = state.seq + 1;
    const events = drafts.map((draft, index) => this.buildEvent(draft, at, numbered ? firstSeq + index : 0));
    // Encoded before anything changes: an event that cannot be written is refused whole, with nothing in memory and no
    // seq spent, so the view never holds what the store cannot.
    const lines = encodeEvents(events);
    durability.beforeFold?.(unit, events);
    if (numbered) {
      for (const event of events) state.apply(event);
    } else {
      for (const event of events) state.fold(event);
      // The view's seq moves on with the store's unnumbered events too, so that "did this command write anything" can
      // be asked of it; the store brings it to the real numbers.
      state.seq += events.length;
    }
    noteCommitted(events);
    const extras: CommitExtras = (typeof options.extras === 'function' ? options.extras() : options.extras) ?? {};
    if (extras.idempotency) state.idempotency.set(extras.idempotency.key, extras.idempotency);
    if (extras.inbox) state.inbox.set(extras.inbox.file, extras.inbox);
    unit.add(events, lines, extras);
    return events;
  }

  /** Starts making a unit durable; an empty one costs nothing. */
  private seal(unit: U): Promise<void> {
    return unit.empty ? Promise.resolve() : this.durability.write(unit);
  }

  /**
   * The envelope's fields go in the order the log's line reader expects (seq and type first, the ids last: lineMeta.ts),
   * which a spread of the draft would not keep; the type and data are the draft's own pair.
   */
  private buildEvent(draft: EventDraft, at: string, seq: number): TrackerEvent {
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
   * Resolves true once `held()` (the seq up to which every event is in the view and published) reaches `seq`, false
   * when `timeoutMs` passes first.
   */
  waitForSeq(held: () => number, seq: number, timeoutMs: number): Promise<boolean> {
    if (held() >= seq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (reached: boolean) => {
        clearTimeout(timer);
        stop();
        resolve(reached);
      };
      const timer = setTimeout(() => done(held() >= seq), timeoutMs);
      const stop = this.onDurable(() => {
        if (held() >= seq) done(true);
      });
    });
  }

  /** The view's records, copied in one synchronous step (the values are immutable) and labelled with `seq`. */
  capture(seq: number): Omit<BackupImage, 'events'> {
    const { tasks, agents, idempotency, inbox } = this.state;
    return {
      seq,
      tasks: tasks.list(),
      agents: [...agents.values()],
      idempotency: [...idempotency.values()],
      inbox: [...inbox.values()],
    };
  }

  /** Forgets removed tasks; a task created again under a removed id meanwhile is a new task: it stays. */
  forget(removed: ReadonlySet<string>): void {
    for (const id of removed) if (!this.state.tasks.has(id)) this.state.removeTask(id);
  }
}

/**
 * A backup of a store that keeps its history apart from the view: the records as captured at one durable seq (in one
 * synchronous step, so commits going on meanwhile neither tear it nor wait for it), then the events up to that seq read
 * from the history a page at a time.
 */
export async function backupFromHistory(
  captured: Promise<Omit<BackupImage, 'events'>>,
  readFeed: (after: number, limit: number) => Promise<StoredEvent[]>,
): Promise<BackupImage> {
  const records = await captured;
  const events: TrackerEvent[] = [];
  for (let after = 0; after < records.seq; ) {
    const page = await readFeed(after, BACKUP_PAGE);
    const inImage = page.filter((event) => event.seq <= records.seq);
    for (const event of inImage) events.push(JSON.parse(event.json) as TrackerEvent);
    if (inImage.length < page.length || page.length === 0) break;
    after = (page.at(-1) as StoredEvent).seq;
  }
  return { ...records, events };
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
