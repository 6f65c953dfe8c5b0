/**
 * The Store: what the engine asks of a place that keeps the registry. The engine owns the rules (state machine, claims,
 * idempotency, leases, the replay law) and turns each command into event drafts; a store numbers them, makes them
 * durable, keeps the registry view current and serves the history back. Stores: `file/` (event log segments and a lowdb
 * snapshot, the default) and `memory/` (nothing on disk, for tests and embedding).
 *
 * A store that several daemons share (a database) fits the same shape:
 * - `commit` folds the drafts into this daemon's view at once (the next request already sees them) and returns a
 *   `durable` promise that resolves only once they are committed; a multi-writer store checks `expect` (the task
 *   versions the command was decided on) in its transaction and refuses with `StoreConflictError` when another daemon
 *   got there first, so nothing half-decided is ever written.
 * - `onDurable` is the event feed in seq order: the events of every writer, once committed. `readFeed` and
 *   `readTaskEvents` serve what came before (catch-up, task histories), from wherever the store keeps them.
 * - `compact` is retention's log side: the store drops the removed tasks' history its own way.
 * - `isLeader` says whether this daemon runs the background work that must run once (stuck detection, retention).
 */
import type { Agent, EventDataMap, EventType, Task, TrackerEvent } from '../protocol/index.js';
import type { Clock } from '../common/clock.js';
import type { BackupImage } from './backup.js';
import type { CommitExtras, IdempotencyRecord, InboxCursor, StoredEvent } from './records.js';
import type { TrackerState } from './state.js';

// The engine reads the records' types from here too.
export type { CommitExtras, IdempotencyRecord, InboxCursor, StoredEvent } from './records.js';

/** An event before the store numbers it: its data is the type its `type` names. */
export type EventDraft<K extends EventType = EventType> = {
  [T in K]: { type: T; taskId?: string; agentId?: string; actor: string; data: EventDataMap[T] };
}[K];

export interface CommitOptions {
  /**
   * Built after the events are folded in, so that a stored idempotent response can show the state they produced; it
   * is written in the same durable step as the events.
   */
  extras?: CommitExtras | (() => CommitExtras);
  /** The version each named task had when the command was decided (null: the task must not exist yet). */
  expect?: ReadonlyMap<string, number | null>;
}

export interface Committed {
  /** The events as numbered and folded into the registry view. */
  events: readonly TrackerEvent[];
  /** Resolves once they are durable (and published to `onDurable`); rejects with a storage error if they never are. */
  durable: Promise<void>;
}

export interface StoreHealth {
  kind: string;
  ok: boolean;
  /** Why the store is not ok, or a short note on its state. */
  message?: string;
  /** How far this machine's clock is ahead of the one the store's writers share (a database's), where there is one. */
  clockSkewMs?: number;
  /** Bytes the store holds on disk, where it can tell. */
  bytes?: number;
}

export interface CompactionPlan {
  /** Tasks retention removed (their `task.deleted` events are already committed). */
  removed: ReadonlySet<string>;
}

export interface CompactionResult {
  bytesBefore: number;
  bytesAfter: number;
}

export interface Store {
  readonly kind: string;
  /** The registry as this daemon sees it: tasks, agents and their indexes, every committed event folded in. */
  readonly state: TrackerState;
  /** The seq of the last event committed into the view. */
  readonly seq: number;
  /** The seq of the last durable event (what a stream may publish). */
  readonly durableSeq: number;
  /** The time every writer of this store agrees on (a shared database's own; see postgres/databaseClock.ts). */
  readonly clock: Clock;
  /** The current time as ISO-8601, from the store's clock. */
  now(): string;

  /** Numbers the drafts, folds them into the view in the same synchronous step and starts making them durable. */
  commit(drafts: readonly EventDraft[], options?: CommitOptions): Committed;
  /**
   * Runs `work` synchronously with every commit it makes joined into one: each folds into the view at once (later
   * steps of the work see the earlier ones), and all become durable in one write (one journal record in the file store,
   * one commit_group entry in PostgreSQL), so they are accepted or refused together. Each commit made inside returns
   * the unit's durable promise. A call inside another joins the outer unit. A commit that throws synchronously (a
   * validation refusal) leaves what was folded before it in the unit.
   */
  joinCommits<T>(work: () => T): { value: T; durable: Promise<void> };
  /**
   * Replaces a task or agent without an event (lease renewals, `lastSeenAt`): heartbeats keep these fresh without
   * flooding the log; the store persists them lazily so that a restart does not see every lease as long expired.
   */
  touchTask(task: Task): void;
  touchAgent(agent: Agent): void;
  /**
   * Resolves once this daemon's view is fit to decide on again after a commit was refused with StoreConflictError
   * (another writer got there first): the caller then runs its command again. At once for a single-writer store.
   */
  settle(): Promise<void>;
  /**
   * Resolves true once the view holds every event up to `seq` (and they are published), false when `timeoutMs` passes
   * first: a client that wrote through another daemon reads its own writes (`X-Agent-Tracker-Min-Seq`).
   */
  waitForSeq(seq: number, timeoutMs: number): Promise<boolean>;
  /**
   * A task the view lacks may be committed by another writer whose events have not reached this daemon yet: resolves
   * once the view holds it if the store has it (at once where the view is all there is); throws StoreUnavailableError
   * when that takes too long.
   */
  lookUpTask(taskId: string): Promise<void>;
  /** Registers a listener for events once they are durable, in seq order. */
  onDurable(listener: (events: readonly TrackerEvent[]) => void): () => void;

  /**
   * Durable events with seq > after, at most `limit`, in seq order (the feed may have gaps after retention); with
   * `maxBytes`, no more than reach that much JSON (see withinBytes).
   */
  readFeed(after: number, limit: number, maxBytes?: number): Promise<StoredEvent[]>;
  /**
   * A task's history with seq > after, at most `limit`, holding every event committed before the call; undefined when
   * the store knows no such task.
   */
  readTaskEvents(taskId: string, after?: number, limit?: number): Promise<TrackerEvent[] | undefined>;
  idempotencyRecord(key: string): IdempotencyRecord | undefined;
  inboxCursor(file: string): InboxCursor | undefined;
  inboxCursors(): Iterable<InboxCursor>;

  /**
   * The registry as of one durable seq, for a backup (see backup.ts): every event up to it, the tasks and agents as
   * they stood then, the idempotency records and inbox cursors. Commits going on meanwhile neither tear it nor wait.
   */
  backup(): Promise<BackupImage>;
  /** Drops removed tasks from the view and their history from storage; bookkeeping past its lifetime goes too. */
  compact(plan: CompactionPlan): Promise<CompactionResult>;
  /** Whether this daemon runs the once-only background work (stuck detection, retention). */
  isLeader(): boolean;
  health(): Promise<StoreHealth>;
  /** Waits until every commit made so far is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
