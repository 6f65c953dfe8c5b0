/**
 * The PostgreSQL store: several daemons share one registry (team mode).
 *
 * Each daemon keeps a view of the registry in memory, as the file store does, so the engine decides every command
 * synchronously on it. A commit folds its events into the view at once and queues them; queued commits go to the
 * database together in one call of `commit_group` (migrations/0001), which applies each one all or nothing: it takes the
 * seq counter's row lock (commits end one after another in seq order, and the feed stays gap-free), checks that every
 * task the command touched is still at the version this daemon decided on, and stores the events, the tasks and agents
 * as the commit left them, and its idempotency and inbox records. Only a committed commit is acknowledged.
 *
 * A commit another daemon got ahead of (a version that moved, a task created meanwhile, an idempotency key used) is
 * refused with StoreConflictError, and so is every commit queued after it here (each was decided on a view that held
 * the refused one). Refused commits leave the view ahead of the database in what they touched, so fresh copies of just
 * those tasks, agents and records are read, with the feed up to the same snapshot (`repair`); the engine's caller
 * waits for that (`settle`) and runs the command again on them. The cost is that of the commit, whatever the size of
 * the registry. A database that goes away fails commits with 503 `unavailable` (nothing was written: each group is one
 * transaction) and the whole view is loaded again, retrying, until it is back.
 *
 * Time is the database's (databaseClock.ts), so that every daemon decides leases and stuck on one clock.
 *
 * Every daemon reads the feed (events in seq order) after a NOTIFY, or every half second: other daemons' events are
 * folded into the view, its own (known by event id) are already there; all are published to the stream in order.
 * Lease renewals and last-seen times, which change without events, are written in the background and passed on with a
 * NOTIFY, so the daemon that runs stuck detection sees them.
 *
 * Groups commit without waiting for the disk and are flushed after, outside the counter's lock; what the feed brings is
 * used once the WAL is flushed past it (walFlush.ts).
 */
import { hostname } from 'node:os';
import pg from 'pg';
import { whenSettled, handledElsewhere, bestEffort, describeError, approvalIdOf, type Agent, type Task, type TrackerEvent } from '../../protocol/index.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { BackupImage } from '../backup.js';
import { StoreConflictError, StoreUnavailableError } from '../errors.js';
import { CommitUnit } from '../commitUnit.js';
import { RegistryView } from '../registryView.js';
import { TrackerState } from '../state.js';
import { IDEMPOTENCY_TTL_MS, withinBytes, type IdempotencyRecord, type InboxCursor, type StoredEvent } from '../records.js';
import type { CommitOptions, Committed, CompactionPlan, CompactionResult, EventDraft, Store, StoreHealth } from '../store.js';
import { compactTaskJson, expandTask } from './compactTask.js';
import { DatabaseClock } from './databaseClock.js';
import { ASYNC_COMMIT_OPTIONS, INSERT_LSN, WalFlushes } from './walFlush.js';
import { LeaderLock } from './leaderLock.js';
import { migrate } from './migrate.js';
import { Notifications, TOUCH_CHANNEL } from './notifications.js';
import { Presence } from './presence.js';

export interface PgStoreOptions {
  url: string;
  /** The daemon's home folder: with the host, it names the inbox cursors that belong to this daemon. */
  home: string;
  clock: Clock;
  /** Whether time is the database's (the default); false keeps `clock` as the time itself (a clock a test controls). */
  followDatabaseTime?: boolean;
  log: Logger;
}

/** A unit of commits as this store gathers it: with the task versions it was decided on. */
class PgUnit extends CommitUnit {
  /** Each task's version from before the unit first touched it (null: the task did not exist). */
  readonly expect: Record<string, number | null> = {};

  constructor(
    /** The view's generation it was decided on: a unit from before a reload is refused unsent. */
    readonly generation: number,
  ) {
    super();
  }
}

/** One entry of commit_group: a unit of commits, all or nothing. */
interface PendingCommit {
  events: TrackerEvent[];
  /** What commit_group takes: events, tasks, agents and records as JSON texts (json keeps their key order). */
  payload: {
    events: string[];
    expect: Record<string, number | null>;
    tasks: string[];
    deleted: string[];
    agents: string[];
    idempotency: string[];
    inbox: string[];
  };
  generation: number;
  /** Its bookkeeping's keys, for a repair of the view after a refusal. */
  idempotencyKeys: string[];
  inboxFiles: string[];
  resolve: () => void;
  reject: (error: Error) => void;
}

interface FeedRow {
  seq: string;
  json: string;
  /** The WAL's insert position as the row was read: flushed that far, the row is durable (walFlush.ts). */
  lsn: string;
}

interface TouchPayload {
  node: string;
  tasks: { id: string; version: number; lease: Task['lease'] }[];
  agents: { id: string; lastSeenAt: string }[];
}

interface PendingTouches {
  tasks: Map<string, Task>;
  agents: Map<string, Agent>;
}

/** Usage and budget events (see TrackerState.recount), found through the partial index of migration 0004. */
const SUMMARY_EVENTS_SQL = `SELECT event FROM events
  WHERE (event->>'type') IN ('agent.usage', 'budget.set', 'budget.removed', 'budget.warning', 'budget.exceeded') AND seq <= $1 ORDER BY seq`;

const MAX_GROUP = 500;
/** Tasks the registry must grow by, beyond doubling, before the commit connection replans. */
const REPLAN_MIN_GROWTH = 1000;
/** Feed rows as stored text: the driver would parse each (see feedEvents). */
const FEED_SQL = `SELECT seq, event::text AS json, ${INSERT_LSN} AS lsn FROM events WHERE seq > $1`;
const SETTLE_WAIT_MS = 3000;
const PUBLISH_WAIT_MS = 1000;
/** A query answered this recently shows the database is there (the feed is read at least every half second). */
const HEALTH_CONTACT_MS = 1000;
/** How long a read of a task only the database knows waits for the feed (the contract's read-your-writes bound). */
const LOOKUP_WAIT_MS = 2000;
const FEED_PAGE = 1000;
const TOUCH_FLUSH_MS = 100;
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_NOTIFY_BYTES = 7000;

/** A plain connection string for pg, with the daemon's name in pg_stat_activity. */
export function connectionConfig(url: string): pg.ClientConfig {
  return { connectionString: url, application_name: 'agent-tracker', connectionTimeoutMillis: 5000 };
}

/** The URL without its password, for logs and `/healthz`. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return `${parsed.protocol}//${parsed.username ? `${parsed.username}@` : ''}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgres';
  }
}

export class PgStore implements Store {
  readonly kind = 'postgres';
  /** The seq up to which events were published (to the stream and `readFeed`). */
  private feedSeq = 0;
  /** Every event up to this seq is folded into the view (and this daemon's own commits besides). */
  private viewSeq = 0;
  /** Own events folded at commit time and not yet met on the feed, by id: the feed need not parse them again. */
  private readonly ownEvents = new Map<string, TrackerEvent>();
  private queue: PendingCommit[] = [];
  private sending: Promise<void> | undefined;
  private generation = 0;
  private reloading: Promise<void> | undefined;
  /** Fresh copies of what refused commits touched are being read (see repair). */
  private repairing: Promise<void> | undefined;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  /** Acknowledgements waiting for their commit to reach this daemon's feed. */
  private readonly published = new Set<{ seq: number; resolve: () => void }>();
  private failure: string | undefined;
  /** When a query last came back from the database: `/healthz` need not queue behind busy connections to know it is there. */
  private lastContact = Number.NEGATIVE_INFINITY;
  private closed = false;
  private touches: PendingTouches = { tasks: new Map(), agents: new Map() };
  private touchTimer: NodeJS.Timeout | undefined;
  private readonly notifications: Notifications;
  private readonly leader: LeaderLock;
  private readonly presence: Presence;
  private readonly node: string;
  private readonly wal = new WalFlushes();
  /** The registry's size when commit_group's plans were last dropped (see replanIfGrown). */
  private plannedFor = 0;
  private readonly view: RegistryView<PgUnit>;

  private constructor(
    private readonly pool: pg.Pool,
    /** One connection, committing groups without waiting for the disk (walFlush.ts). */
    private readonly commits: pg.Pool,
    private readonly options: PgStoreOptions,
    private readonly databaseClock: DatabaseClock,
  ) {
    this.view = new RegistryView(new TrackerState(), databaseClock, {
      numbering: 'store',
      checkWritable: () => this.checkWritable(),
      newUnit: () => new PgUnit(this.generation),
      beforeFold: (unit, events) => this.beforeFold(unit, events),
      write: (unit) => this.write(unit),
    });
    this.node = `${hostname()}:${options.home}`;
    const config = connectionConfig(options.url);
    this.notifications = new Notifications(config, () => this.readFeedIntoView(), (payload) => this.applyTouch(payload));
    this.leader = new LeaderLock(config, options.log);
    this.presence = new Presence(pool, this.node, options.home, {
      seq: () => this.heldSeq,
      leaderBackendPid: () => this.leader.backendPid,
    });
  }

  /** Connects, brings the schema up to date, loads the view and starts following the feed. */
  static async open(options: PgStoreOptions): Promise<PgStore> {
    const pool = new pg.Pool({ ...connectionConfig(options.url), max: 8 });
    const commits = new pg.Pool({ ...connectionConfig(options.url), max: 1, options: ASYNC_COMMIT_OPTIONS });
    // An idle connection that breaks (the server restarts) is dropped by the pool; without a listener it would crash.
    for (const each of [pool, commits]) each.on('error', (error) => options.log.warn(`database connection lost: ${error.message}`));
    try {
      const client = await pool.connect();
      try {
        const report = await migrate(client);
        if (report.applied.length > 0) options.log.info(`database schema migrated to version ${report.version}`);
      } finally {
        client.release();
      }
      const clock = new DatabaseClock(options.clock, options.log, options.followDatabaseTime ?? true);
      await clock.start(pool);
      const store = new PgStore(pool, commits, options, clock);
      const loading = performance.now();
      await store.load();
      options.log.info(`loaded the registry (${store.state.tasks.size} tasks) in ${Math.round(performance.now() - loading)} ms`);
      await store.notifications.start();
      await store.leader.start();
      store.presence.start();
      options.log.info(`store: PostgreSQL ${describeUrl(options.url)} at seq ${store.feedSeq}`);
      return store;
    } catch (error) {
      await bestEffort(Promise.all([pool.end(), commits.end()]));
      throw error;
    }
  }

  get state(): TrackerState {
    return this.view.state;
  }

  /** The view's: it runs ahead of the feed with this daemon's own commits (see RegistryView's numbering). */
  get seq(): number {
    return this.view.state.seq;
  }

  get durableSeq(): number {
    return this.feedSeq;
  }

  get clock(): Clock {
    return this.view.clock;
  }

  now(): string {
    return this.view.now();
  }

  /** Published, and folded into the view (which a reload moves ahead of the feed for a while). */
  private get heldSeq(): number {
    return Math.min(this.feedSeq, this.viewSeq);
  }

  waitForSeq(seq: number, timeoutMs: number): Promise<boolean> {
    return this.view.waitForSeq(() => this.heldSeq, seq, timeoutMs);
  }

  onDurable(listener: (events: readonly TrackerEvent[]) => void): () => void {
    return this.view.onDurable(listener);
  }

  commit(drafts: readonly EventDraft[], options?: CommitOptions): Committed {
    return this.view.commit(drafts, options);
  }

  joinCommits<T>(work: () => T): { value: T; durable: Promise<void> } {
    return this.view.joinCommits(work);
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

  /** Asks the database: a task another daemon created is waited for until the feed brings it here. */
  async lookUpTask(taskId: string): Promise<void> {
    const result = await this.query<{ seq: string; found: boolean }>(
      'SELECT (SELECT seq FROM seq_counter) AS seq, EXISTS (SELECT 1 FROM tasks WHERE id = $1) AS found',
      [taskId],
    );
    const row = result.rows[0];
    if (!row?.found) return;
    if (!(await this.waitForSeq(Number(row.seq), LOOKUP_WAIT_MS))) {
      throw new StoreUnavailableError(`task ${taskId} is in the database but this daemon has not caught up with it yet; retry`);
    }
  }

  private checkWritable(): void {
    if (this.closed) throw new StoreUnavailableError('the store is closed; nothing was recorded');
    // A refused commit's tasks are being read again: the command is decided again once they are back (see settle).
    if (this.repairing) throw staleError();
    if (this.reloading) {
      if (this.failure === undefined) throw staleError();
      throw new StoreUnavailableError(`the database is unavailable (${this.failure}); nothing was recorded`);
    }
  }

  /**
   * A commit's events, numbered 0 until the database numbers them: the unit's `expect` learns the versions of the tasks
   * it had not touched yet, read before the events change them, and the feed will know them as this daemon's own.
   */
  private beforeFold({ expect }: PgUnit, events: readonly TrackerEvent[]): void {
    for (const event of events) {
      if (event.taskId !== undefined && !(event.taskId in expect)) expect[event.taskId] = this.state.tasks.get(event.taskId)?.version ?? null;
      this.ownEvents.set(event.id, event);
    }
  }

  /** Queues the unit as one entry of the next commit_group call; the tasks and agents go as the unit left them. */
  private write(unit: PgUnit): Promise<void> {
    const { expect, generation } = unit;
    const idempotency = unit.idempotency.map((record) => JSON.stringify(record));
    const inbox = unit.inbox.map((cursor) => JSON.stringify(cursor));
    const idempotencyKeys = unit.idempotency.map((record) => record.key);
    const inboxFiles = unit.inbox.map((cursor) => cursor.file);
    if (unit.events.length === 0) {
      const joined = this.joinQueued(idempotency, inbox, idempotencyKeys, inboxFiles);
      if (joined) return joined;
    }
    const tasks: string[] = [];
    const deleted: string[] = [];
    for (const taskId of Object.keys(expect)) {
      const task = this.state.tasks.get(taskId);
      if (task) tasks.push(compactTaskJson(task));
      else deleted.push(taskId);
    }
    const agents = [...new Set(unit.events.map((e) => e.agentId).filter((id) => id !== undefined))]
      .map((id) => this.state.agents.get(id))
      .filter((agent) => agent !== undefined)
      .map((agent) => JSON.stringify(agent));
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const durable = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    handledElsewhere(durable);
    this.queue.push({
      events: unit.events,
      // buildEvent puts `seq` first: commit_group writes the number in place of the 0.
      payload: { events: unit.lines, expect, tasks, deleted, agents, idempotency, inbox },
      generation,
      idempotencyKeys,
      inboxFiles,
      resolve,
      reject,
    });
    // Sent on the next microtask: what one synchronous step commits goes in the same group.
    this.sending ??= Promise.resolve().then(() => this.sendLoop());
    return durable;
  }

  /**
   * Bookkeeping without events (a batch line's idempotency record, an inbox cursor) rides in the commit queued just
   * before it: what the engine records right after a command then costs the database no commit of its own. Both were
   * decided on the same view and are refused together, as they would be as neighbours in one group. Resolves (or
   * fails) with that commit; undefined when there is none to join.
   */
  private joinQueued(idempotency: string[], inbox: string[], keys: string[], files: string[]): Promise<void> | undefined {
    const last = this.queue.at(-1);
    if (!last || last.generation !== this.generation) return undefined;
    last.payload.idempotency.push(...idempotency);
    last.payload.inbox.push(...inbox);
    last.idempotencyKeys.push(...keys);
    last.inboxFiles.push(...files);
    const { resolve, reject } = last;
    const durable = new Promise<void>((res, rej) => {
      last.resolve = () => (resolve(), res());
      last.reject = (error) => (reject(error), rej(error));
    });
    handledElsewhere(durable);
    return durable;
  }

  private async sendLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_GROUP);
        const current = group.filter((c) => c.generation === this.generation);
        for (const stale of group) if (stale.generation !== this.generation) stale.reject(staleError());
        if (current.length > 0) await this.send(current);
      }
    } finally {
      this.sending = undefined;
    }
  }

  private async send(group: PendingCommit[]): Promise<void> {
    let rows: { first_seq: string | null; refusal: string | null }[];
    try {
      await this.replanIfGrown();
      const result = await this.commits.query<{ first_seq: string | null; refusal: string | null }>(
        'SELECT first_seq, refusal FROM commit_group($1::jsonb, $2)',
        [JSON.stringify(group.map((c) => c.payload)), this.node],
      );
      rows = result.rows;
      this.lastContact = performance.now();
    } catch (error) {
      const failure = new StoreUnavailableError(`the database is unavailable (${describeError(error)}); nothing was recorded`);
      for (const commit of group) commit.reject(failure);
      this.invalidate(describeError(error));
      return;
    }
    if (rows.some((row) => row.first_seq)) {
      try {
        await this.wal.flush(this.pool);
      } catch (error) {
        // Committed, but perhaps not on disk (a database that crashed now loses it): acknowledged as neither.
        const failure = new StoreUnavailableError(`the database is unavailable (${describeError(error)}); retry: a retry with the same Idempotency-Key is applied once`);
        for (const commit of group) commit.reject(failure);
        this.invalidate(describeError(error));
        return;
      }
    }
    const refused: PendingCommit[] = [];
    const accepted: PendingCommit[] = [];
    group.forEach((commit, index) => {
      const row = rows[index];
      if (row?.first_seq) {
        const first = Number(row.first_seq);
        commit.events.forEach((event, i) => (event.seq = first + i));
        accepted.push(commit);
        return;
      }
      refused.push(commit);
      const taskId = row?.refusal && row.refusal !== 'skipped' ? row.refusal : undefined;
      commit.reject(taskId ? new StoreConflictError(taskId) : staleError());
    });
    const events = accepted.flatMap((commit) => commit.events);
    // Numbered right after what this daemon published, the group's events are the feed's next ones: no other daemon
    // committed in between, so they are published as they are, without reading them back.
    const next = refused.length === 0 && events.length > 0 && this.viewSeq === this.feedSeq && events[0]?.seq === this.feedSeq + 1;
    if (next) this.absorb(events);
    for (const commit of accepted) {
      // Acknowledged once published here too, so that what a client wrote is in this daemon's feed when it hears
      // back (as with the file store); committed it is already, so a feed that cannot be read does not hold it up.
      const last = commit.events.at(-1)?.seq ?? 0;
      this.whenPublished(last).then(commit.resolve, commit.resolve);
    }
    if (refused.length > 0) this.repairAfterRefusal(refused);
    else if (!next) this.readFeedIntoView();
  }

  /**
   * commit_group's statements are planned once per connection and kept, for the tables' sizes then: planned on an empty
   * registry, they scan tables that now hold 100,000 tasks (a batch import, a team's first hour), until autovacuum's
   * next ANALYZE happens to replan them. So the commit connection replans whenever the registry has doubled since.
   */
  private async replanIfGrown(): Promise<void> {
    const size = this.state.tasks.size;
    if (size < this.plannedFor * 2 + REPLAN_MIN_GROWTH) return;
    await this.commits.query('DISCARD PLANS');
    this.plannedFor = size;
  }

  /**
   * Another daemon moved what refused commits were decided on: the view holds their changes, and so do the commits
   * queued behind them (refused here, unsent). Fresh copies of just what they touched replace them; their callers
   * decide again on that (settle). Only if the database cannot be read is the whole view loaded again.
   */
  private repairAfterRefusal(refused: PendingCommit[]): void {
    this.generation++;
    const stale = this.queue.splice(0);
    for (const commit of stale) commit.reject(staleError());
    if (this.reloading) return;
    this.repairing = this.repair([...refused, ...stale])
      .catch((error: unknown) => this.invalidate(describeError(error)))
      .finally(() => (this.repairing = undefined));
  }

  private async repair(commits: PendingCommit[]): Promise<void> {
    const taskIds = new Set<string>();
    const agentIds = new Set<string>();
    const keys = new Set<string>();
    const files = new Set<string>();
    const approvalIds = new Set<string>();
    for (const commit of commits) {
      for (const id of Object.keys(commit.payload.expect)) taskIds.add(id);
      for (const event of commit.events) {
        this.ownEvents.delete(event.id);
        if (event.agentId) agentIds.add(event.agentId);
        const approvalId = approvalIdOf(event);
        if (approvalId !== undefined) approvalIds.add(approvalId);
      }
      for (const key of commit.idempotencyKeys) keys.add(key);
      for (const file of commit.inboxFiles) files.add(file);
    }
    // The feed stands still meanwhile: the copies and the events up to them come from one snapshot.
    while (this.reading) await this.reading;
    let release!: () => void;
    this.reading = new Promise((resolve) => (release = resolve));
    try {
      const fresh = await this.readFresh([...taskIds], [...agentIds], [...keys], [...files], [...approvalIds]);
      this.absorb(fresh.events);
      this.viewSeq = Math.max(this.viewSeq, fresh.seq);
      const tasks = new Map(fresh.tasks.map((task) => [task.id, task]));
      for (const id of taskIds) {
        const task = tasks.get(id);
        if (task) this.state.replaceTask(task);
        else if (this.state.tasks.has(id)) this.state.removeTask(id);
      }
      const agents = new Map(fresh.agents.map((agent) => [agent.id, agent]));
      for (const id of agentIds) {
        const agent = agents.get(id);
        if (agent) this.state.agents.set(id, agent);
        else this.state.agents.delete(id);
      }
      const records = new Map(fresh.idempotency.map((record) => [record.key, record]));
      for (const key of keys) {
        const record = records.get(key);
        if (record) this.state.idempotency.set(key, record);
        else this.state.idempotency.delete(key);
      }
      for (const id of approvalIds) this.state.forgetApproval(id);
      for (const event of fresh.approvalEvents) this.state.foldApproval(event);
      const cursors = new Map(fresh.inbox.map((cursor) => [cursor.file, cursor]));
      for (const file of files) {
        const cursor = cursors.get(file);
        if (cursor) this.state.inbox.set(file, cursor);
        else this.state.inbox.delete(file);
      }
      // Nothing of this daemon's is in flight now (the queue was refused): the view is the database's as of its seq.
      this.state.seq = this.viewSeq;
    } finally {
      this.reading = undefined;
      release();
      this.readFeedIntoView();
    }
  }

  /** The named records and the feed up to now, from one snapshot. */
  private async readFresh(taskIds: string[], agentIds: string[], keys: string[], files: string[], approvalIds: string[]) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { seq, lsn } = await snapshotSeq(client);
      const from = Math.min(this.feedSeq, this.viewSeq);
      const fresh = {
        seq,
        events: this.feedEvents((await client.query<FeedRow>(`${FEED_SQL} AND seq <= $2 ORDER BY seq`, [from, seq])).rows),
        tasks: (await client.query<{ task: Task }>('SELECT task FROM tasks WHERE id = ANY($1)', [taskIds])).rows.map((r) => expandTask(r.task)),
        agents: (await client.query<{ agent: Agent }>('SELECT agent FROM agents WHERE id = ANY($1)', [agentIds])).rows.map((r) => r.agent),
        idempotency: (await client.query<{ record: IdempotencyRecord }>('SELECT record FROM idempotency_records WHERE key = ANY($1)', [keys])).rows.map((r) => r.record),
        inbox: (await client.query<{ cursor: InboxCursor }>('SELECT cursor FROM inbox_cursors WHERE node = $1 AND file = ANY($2)', [this.node, files])).rows.map((r) => r.cursor),
        approvalEvents:
          approvalIds.length === 0
            ? []
            : (
                await client.query<{ event: TrackerEvent }>(
                  `SELECT event FROM events WHERE (event->>'type') LIKE 'approval.%' AND seq <= $1
                     AND coalesce(event->'data'->'approval'->>'id', event->'data'->>'approvalId') = ANY($2) ORDER BY seq`,
                  [seq, approvalIds],
                )
              ).rows.map((r) => r.event),
      };
      await client.query('COMMIT');
      client.release();
      await this.wal.upTo(this.pool, lsn);
      return fresh;
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  private whenPublished(seq: number): Promise<void> {
    if (seq <= this.feedSeq) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.published.delete(waiter);
        resolve();
      }, PUBLISH_WAIT_MS);
      const waiter = { seq, resolve: () => (clearTimeout(timer), resolve()) };
      this.published.add(waiter);
    });
  }

  /**
   * The view holds changes the database refused: load it again. Commits decided on it and not yet sent are refused;
   * new ones get 503 until the view is back.
   */
  private invalidate(failure: string | undefined): void {
    this.generation++;
    if (failure) this.failure = failure;
    this.reloading ??= this.reloadUntilDone().finally(() => (this.reloading = undefined));
  }

  private async reloadUntilDone(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.load();
        this.failure = undefined;
        return;
      } catch (error) {
        this.failure = describeError(error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)).unref());
      }
    }
  }

  /** Waits until a reload the last refused commit started is done (the engine's caller then runs its command again). */
  async settle(): Promise<void> {
    await this.repairing;
    if (!this.reloading) return;
    // Bounded: a database that is away keeps the reload going, and the caller then answers 503 rather than hang.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.reloading, new Promise((resolve) => (timer = setTimeout(resolve, SETTLE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /**
   * The view from one consistent snapshot of the database, read over two connections at once: the tasks over one, the
   * rest (idempotency records most of all, as many as the tasks after a bulk import) over another that shares the first
   * one's snapshot (`pg_export_snapshot`), so that the database works on both and the daemon parses one while the
   * other arrives.
   */
  private async load(): Promise<void> {
    const clients: pg.PoolClient[] = [];
    let seq: number;
    let lsn: string;
    let rows: { tasks: Task[]; agents: Agent[]; idempotency: IdempotencyRecord[]; inbox: InboxCursor[]; approvalEvents: TrackerEvent[]; summaries: TrackerEvent[] };
    try {
      const main = await this.pool.connect();
      clients.push(main);
      await main.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      ({ seq, lsn } = await snapshotSeq(main));
      const snapshot = (await main.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]?.id ?? '';
      if (!/^[0-9A-F-]+$/i.test(snapshot)) throw new Error(`unexpected snapshot id ${JSON.stringify(snapshot)}`);
      const side = await this.pool.connect();
      clients.push(side);
      await side.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await side.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
      const cutoff = new Date(this.clock.now() - IDEMPOTENCY_TTL_MS).toISOString();
      const readTasks = async () => (await main.query<{ task: Task }>('SELECT task FROM tasks ORDER BY created_seq, id')).rows.map((r) => expandTask(r.task));
      const readRest = async () => ({
        idempotency: (await side.query<{ record: IdempotencyRecord }>('SELECT record FROM idempotency_records WHERE at >= $1', [cutoff])).rows.map((r) => r.record),
        agents: (await side.query<{ agent: Agent }>('SELECT agent FROM agents')).rows.map((r) => r.agent),
        inbox: (await side.query<{ cursor: InboxCursor }>('SELECT cursor FROM inbox_cursors WHERE node = $1', [this.node])).rows.map((r) => r.cursor),
        // Approvals have no table: they are folded from their events (migrations/0002 indexes them).
        approvalEvents: (
          await side.query<{ event: TrackerEvent }>("SELECT event FROM events WHERE (event->>'type') LIKE 'approval.%' AND seq <= $1 ORDER BY seq", [seq])
        ).rows.map((r) => r.event),
        summaries: (await side.query<{ event: TrackerEvent }>(SUMMARY_EVENTS_SQL, [seq])).rows.map((r) => r.event),
      });
      const [tasks, rest] = await Promise.all([readTasks(), readRest()]);
      rows = { tasks, ...rest };
      await Promise.all(clients.map((client) => client.query('COMMIT')));
    } catch (error) {
      for (const client of clients) client.release(true);
      throw error;
    }
    for (const client of clients) client.release();
    await this.wal.upTo(this.pool, lsn);
    const state = new TrackerState();
    for (const task of rows.tasks) state.loadTask(task);
    for (const agent of rows.agents) state.loadAgent(agent);
    for (const record of rows.idempotency) state.idempotency.set(record.key, record);
    for (const cursor of rows.inbox) state.inbox.set(cursor.file, cursor);
    for (const event of rows.approvalEvents) state.foldApproval(event);
    for (const event of rows.summaries) state.recount(event);
    state.seq = seq;
    this.view.state = state;
    this.viewSeq = seq;
    this.ownEvents.clear();
    // At start the stream begins here; after a reload the feed goes on from where it was (the view catches up).
    if (this.feedSeq === 0) this.feedSeq = seq;
    this.readFeedIntoView();
  }

  // ---- the feed -----------------------------------------------------------------------------------------------------

  /** Reads the feed past what was published (and past what the view holds): one reader at a time, again if woken. */
  private readFeedIntoView(): void {
    if (this.closed) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.readLoop()
      .catch(() => {
        // The database is away: the next wake-up (notification or timer) tries again.
      })
      .finally(() => {
        this.reading = undefined;
        if (this.readAgain) {
          this.readAgain = false;
          this.readFeedIntoView();
        }
      });
  }

  private async readLoop(): Promise<void> {
    for (;;) {
      const from = Math.min(this.feedSeq, this.viewSeq);
      const result = await this.pool.query<FeedRow>(`${FEED_SQL} ORDER BY seq LIMIT $2`, [from, FEED_PAGE]);
      this.lastContact = performance.now();
      if (result.rows[0]) await this.wal.upTo(this.pool, result.rows[0].lsn);
      const events = this.feedEvents(result.rows);
      this.absorb(events);
      if (events.length < FEED_PAGE) return;
    }
  }

  /**
   * The feed's rows as events: this daemon's own are the objects it committed (found by the id that every stored text
   * names second, after the seq: see buildEvent), others' are parsed. In bulk ingest the feed brings back mostly own
   * events, and parsing them again was a good part of the daemon's work.
   */
  private feedEvents(rows: readonly FeedRow[]): TrackerEvent[] {
    return rows.map((row) => {
      const idAt = row.json.indexOf(',') + 1;
      const id = row.json.startsWith('"id":"', idAt) ? row.json.slice(idAt + 6, row.json.indexOf('"', idAt + 6)) : '';
      const own = this.ownEvents.get(id);
      if (own === undefined) return JSON.parse(row.json) as TrackerEvent;
      own.seq = Number(row.seq);
      return own;
    });
  }

  /** Feed events in seq order: other daemons' folded into the view (this daemon's are there), all published. */
  private absorb(events: readonly TrackerEvent[]): void {
    const published: TrackerEvent[] = [];
    for (const event of events) {
      if (event.seq > this.viewSeq) {
        if (!this.ownEvents.delete(event.id)) this.state.fold(event);
        this.viewSeq = event.seq;
        this.state.seq = Math.max(this.state.seq, event.seq);
      }
      if (event.seq > this.feedSeq) {
        published.push(event);
        this.feedSeq = event.seq;
      }
    }
    this.view.publish(published);
    for (const waiter of this.published) {
      if (waiter.seq <= this.feedSeq) {
        this.published.delete(waiter);
        waiter.resolve();
      }
    }
  }

  async readFeed(after: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): Promise<StoredEvent[]> {
    const result = await this.query<{ seq: string; json: string }>(
      'SELECT seq, event::text AS json FROM events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3',
      [after, this.feedSeq, limit],
    );
    return withinBytes(result.rows, maxBytes, (r) => r.json.length).map((r) => ({ seq: Number(r.seq), json: r.json }));
  }

  /** A task's history since its (latest) creation, as the file store keeps it. */
  async readTaskEvents(taskId: string, after = 0, limit = Number.MAX_SAFE_INTEGER): Promise<TrackerEvent[] | undefined> {
    const result = await this.query<{ event: TrackerEvent }>(
      `SELECT event FROM events WHERE task_id = $1 AND seq > $2
         AND seq >= coalesce((SELECT max(seq) FROM events WHERE task_id = $1 AND event->>'type' = 'task.created'), 0)
       ORDER BY seq LIMIT $3`,
      [taskId, after, Math.min(limit, Number.MAX_SAFE_INTEGER)],
    );
    if (result.rows.length === 0 && !this.state.tasks.has(taskId)) {
      const any = await this.query('SELECT 1 FROM events WHERE task_id = $1 LIMIT 1', [taskId]);
      if (any.rowCount === 0) return undefined;
    }
    return result.rows.map((r) => r.event);
  }

  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw new StoreUnavailableError(`the database is unavailable (${describeError(error)})`);
    }
  }

  // ---- lease renewals and last-seen times ---------------------------------------------------------------------------

  touchTask(task: Task): void {
    this.view.touchTask(task);
    this.touches.tasks.set(task.id, task);
    this.scheduleTouches();
  }

  touchAgent(agent: Agent): void {
    this.view.touchAgent(agent);
    this.touches.agents.set(agent.id, agent);
    this.scheduleTouches();
  }

  private scheduleTouches(): void {
    if (this.touchTimer || this.closed) return;
    this.touchTimer = setTimeout(() => {
      this.touchTimer = undefined;
      void this.flushTouches().catch((error: unknown) => this.options.log.warn(`lease renewals not written: ${describeError(error)}`));
    }, TOUCH_FLUSH_MS);
    this.touchTimer.unref();
  }

  private async flushTouches(): Promise<void> {
    // The latest renewal of each task and agent is all that counts.
    const tasks = [...this.touches.tasks.values()];
    const agents = [...this.touches.agents.values()];
    if (tasks.length === 0 && agents.length === 0) return;
    this.touches = { tasks: new Map(), agents: new Map() };
    await this.pool.query('SELECT touch($1::jsonb, $2::jsonb)', [
      JSON.stringify(tasks.map((task) => compactTaskJson(task))),
      JSON.stringify(agents.map((agent) => JSON.stringify(agent))),
    ]);
    const payload: TouchPayload = {
      node: this.node,
      tasks: tasks.map((t) => ({ id: t.id, version: t.version, lease: t.lease })),
      agents: agents.map((a) => ({ id: a.id, lastSeenAt: a.lastSeenAt })),
    };
    for (const chunk of notifyChunks(payload)) {
      await this.pool.query('SELECT pg_notify($1, $2)', [TOUCH_CHANNEL, chunk]);
    }
  }

  /** Another daemon's renewals: a lease only on the task version it was made on, a last-seen time only forward. */
  private applyTouch(text: string): void {
    let payload: TouchPayload;
    try {
      payload = JSON.parse(text) as TouchPayload;
    } catch {
      return;
    }
    if (payload.node === this.node) return;
    for (const touch of payload.tasks ?? []) {
      const task = this.state.tasks.get(touch.id);
      if (task && task.version === touch.version) this.view.touchTask({ ...task, lease: touch.lease });
    }
    for (const touch of payload.agents ?? []) {
      const agent = this.state.agents.get(touch.id);
      if (agent && agent.lastSeenAt < touch.lastSeenAt) this.view.touchAgent({ ...agent, lastSeenAt: touch.lastSeenAt });
    }
  }

  // ---- the rest of the Store ----------------------------------------------------------------------------------------

  isLeader(): boolean {
    return this.leader.isLeader && !this.reloading;
  }

  async backup(): Promise<BackupImage> {
    const client = await this.connectOrUnavailable();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const seq = Number((await client.query<{ seq: string }>('SELECT seq FROM seq_counter')).rows[0]?.seq ?? 0);
      const image: BackupImage = {
        seq,
        events: (await client.query<{ event: TrackerEvent }>('SELECT event FROM events WHERE seq <= $1 ORDER BY seq', [seq])).rows.map((r) => r.event),
        tasks: (await client.query<{ task: Task }>('SELECT task FROM tasks ORDER BY created_seq, id')).rows.map((r) => expandTask(r.task)),
        agents: (await client.query<{ agent: Agent }>('SELECT agent FROM agents ORDER BY id')).rows.map((r) => r.agent),
        idempotency: (await client.query<{ record: IdempotencyRecord }>('SELECT record FROM idempotency_records ORDER BY key')).rows.map((r) => r.record),
        inbox: (await client.query<{ cursor: InboxCursor }>('SELECT cursor FROM inbox_cursors WHERE node = $1', [this.node])).rows.map((r) => r.cursor),
      };
      await client.query('COMMIT');
      client.release();
      return image;
    } catch (error) {
      client.release(true);
      throw new StoreUnavailableError(`the database is unavailable (${describeError(error)}); try the backup again`);
    }
  }

  private async connectOrUnavailable(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw new StoreUnavailableError(`the database is unavailable (${describeError(error)})`);
    }
  }

  /**
   * Retention's storage side: the removed tasks' events go but for this run's `task.deleted` ones, and so do what
   * earlier runs left (events of tasks no longer in the registry) and idempotency records past their lifetime.
   */
  async compact(plan: CompactionPlan): Promise<CompactionResult> {
    const size = async () => Number((await this.query<{ bytes: string }>("SELECT pg_total_relation_size('events') AS bytes", [])).rows[0]?.bytes ?? 0);
    const bytesBefore = await size();
    await this.query(
      `DELETE FROM events WHERE task_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM tasks WHERE tasks.id = events.task_id)
         AND NOT (task_id = ANY($1::text[]) AND event->>'type' = 'task.deleted')`,
      [[...plan.removed]],
    );
    await this.query('DELETE FROM idempotency_records WHERE at < $1', [new Date(this.clock.now() - IDEMPOTENCY_TTL_MS).toISOString()]);
    this.view.forget(plan.removed);
    return { bytesBefore, bytesAfter: await size() };
  }

  async health(): Promise<StoreHealth> {
    const where = describeUrl(this.options.url);
    const skew = this.databaseClock.skewMs;
    const clockSkewMs = skew === undefined ? {} : { clockSkewMs: skew };
    if (this.closed) return { kind: this.kind, ok: false, message: `${where}: closed`, ...clockSkewMs };
    try {
      if (performance.now() - this.lastContact > HEALTH_CONTACT_MS) {
        await this.pool.query('SELECT 1');
        this.lastContact = performance.now();
      }
    } catch (error) {
      return { kind: this.kind, ok: false, message: `${where}: unavailable (${describeError(error)})`, ...clockSkewMs };
    }
    if (this.reloading) return { kind: this.kind, ok: false, message: `${where}: reloading the registry${this.failure ? ` after ${this.failure}` : ''}`, ...clockSkewMs };
    return { kind: this.kind, ok: true, message: `${where}: ${this.leader.isLeader ? 'leader (runs stuck detection and retention)' : 'follower'}`, ...clockSkewMs };
  }

  async flush(): Promise<void> {
    while (this.sending) await this.sending;
    clearTimeout(this.touchTimer);
    this.touchTimer = undefined;
    await this.flushTouches().catch((error: unknown) => this.options.log.warn(`lease renewals not written: ${describeError(error)}`));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await whenSettled(this.reloading);
    await this.reading;
    this.databaseClock.stop();
    await this.presence.stop();
    await this.notifications.close();
    await this.leader.close();
    await Promise.all([this.pool.end(), this.commits.end()]);
  }
}

/** The registry's seq in the transaction's snapshot (its first statement takes it), and the WAL's insert position then. */
async function snapshotSeq(client: pg.PoolClient): Promise<{ seq: number; lsn: string }> {
  const row = (await client.query<{ seq: string; lsn: string }>(`SELECT seq, ${INSERT_LSN} AS lsn FROM seq_counter`)).rows[0];
  if (!row) throw new Error('the seq counter has no row');
  return { seq: Number(row.seq), lsn: row.lsn };
}

function staleError(): StoreConflictError {
  return new StoreConflictError('', 'another daemon changed the registry first; retry');
}

/** Splits a touch payload into NOTIFY-sized pieces. */
function notifyChunks(payload: TouchPayload): string[] {
  const chunks: string[] = [];
  let current: TouchPayload = { node: payload.node, tasks: [], agents: [] };
  let size = 0;
  const push = (kind: 'tasks' | 'agents', item: TouchPayload['tasks'][number] | TouchPayload['agents'][number]) => {
    const bytes = JSON.stringify(item).length + 1;
    if (size + bytes > MAX_NOTIFY_BYTES && size > 0) {
      chunks.push(JSON.stringify(current));
      current = { node: payload.node, tasks: [], agents: [] };
      size = 0;
    }
    (current[kind] as unknown[]).push(item);
    size += bytes;
  };
  for (const task of payload.tasks) push('tasks', task);
  for (const agent of payload.agents) push('agents', agent);
  if (size > 0) chunks.push(JSON.stringify(current));
  return chunks;
}
