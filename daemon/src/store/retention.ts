/**
 * History retention: removes finished tasks (done, failed, cancelled) completed before a cutoff, with their events.
 *
 * One run:
 * 1. picks the tasks to remove. A task another remaining task depends on (`dependsOn`) or names as its parent stays,
 *    so no remaining task points at a task that is gone; it goes in a later run together with the last task naming it.
 * 2. records a `task.deleted` event for each (actor `daemon` for the daily run, `user` for the route): stream clients
 *    learn of the removal live, and a recovery from an older registry snapshot removes the tasks again.
 * 3. compacts the event log: drops the removed tasks' events but for this run's `task.deleted` lines (kept until a
 *    later run, by when registry snapshots without the tasks are long on disk), drops what earlier runs left
 *    (`task.deleted` lines and other events of tasks no longer in the registry), inbox cursor records superseded by a
 *    newer one, and idempotency records past their lifetime.
 * 4. forgets the tasks' histories in memory, keeping this run's `task.deleted` events in the feed so that a stream
 *    client reconnecting with an older `after` still learns of the removal; then writes a registry snapshot.
 * Live tasks' events are never touched. Runs are serialized.
 */
import { FINISHED_STATES, type TrackerEvent } from '../protocol/index.js';
import type { Tracker } from '../engine/tracker.js';
import type { TrackerState } from '../engine/state.js';
import type { Logger } from '../logger.js';
import type { EventDraft } from './store.js';
import { IDEMPOTENCY_TTL_MS } from './store.js';
import { readLines } from './journal.js';
import type { RecordLine } from './recovery.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface CleanupResult {
  removed: number;
  /** Finished tasks old enough but kept because a remaining task depends on them or is their child. */
  kept: number;
  logBytesBefore: number;
  logBytesAfter: number;
}

export class Retention {
  private running: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tracker: Tracker,
    private readonly log: Logger,
  ) {}

  /** Removes finished tasks completed more than `olderThanDays` ago (0: every finished task). */
  cleanup(olderThanDays: number, actor: 'user' | 'daemon'): Promise<CleanupResult> {
    const run = this.running.then(() => this.run(olderThanDays, actor));
    this.running = run.catch(() => {});
    return run;
  }

  /** The daily run; `retentionDays` 0 turns it off. The first run comes `firstRunMs` after start. */
  schedule(retentionDays: number, firstRunMs = 60_000): void {
    if (retentionDays <= 0) return;
    const tick = (delay: number) => {
      this.timer = setTimeout(() => {
        this.cleanup(retentionDays, 'daemon').then(
          (result) => {
            if (result.removed > 0) this.log.info(`retention: removed ${result.removed} tasks finished over ${retentionDays} days ago`);
          },
          (error: unknown) => this.log.error(`retention run failed: ${(error as Error).message}`),
        );
        tick(DAY_MS);
      }, delay);
      this.timer.unref();
    };
    tick(firstRunMs);
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
  }

  private async run(olderThanDays: number, actor: 'user' | 'daemon'): Promise<CleanupResult> {
    const { store } = this.tracker;
    // The registry on disk must already lack what earlier runs removed before their last log lines go (step 3).
    await store.snapshot();
    const logBytesBefore = store.journal.totalBytes();
    const cutoff = this.tracker.clock.now() - olderThanDays * DAY_MS;
    const { remove, kept } = selectRemovable(this.tracker.state, cutoff);
    const reason = `retention: finished before ${new Date(cutoff).toISOString()}`;
    const drafts: EventDraft[] = [...remove].map((taskId) => ({ type: 'task.deleted', taskId, actor, data: { reason } }));
    const { events: tombstones, durable } = store.commit(drafts);
    await durable;
    // The route compacts only when it removed something; the daily run compacts the bookkeeping records anyway.
    if (remove.size === 0 && actor === 'user') return { removed: 0, kept, logBytesBefore, logBytesAfter: logBytesBefore };
    await store.journal.rewrite(compactionFilter(this.tracker, remove, this.tracker.clock.now()));
    // A task created again under a removed id while the log was rewritten is a new task: it stays.
    store.forgetTasks(new Set([...remove].filter((id) => !this.tracker.state.tasks.has(id))));
    pruneOrphans(this.tracker.state, tombstones);
    await store.snapshot();
    return { removed: remove.size, kept, logBytesBefore, logBytesAfter: store.journal.totalBytes() };
  }
}

/** Old finished tasks that no remaining task depends on or descends from. */
export function selectRemovable(state: TrackerState, cutoff: number): { remove: Set<string>; kept: number } {
  const candidates = new Set<string>();
  for (const task of state.tasksIn(FINISHED_STATES)) {
    if (task.completedAt && Date.parse(task.completedAt) < cutoff) candidates.add(task.id);
  }
  const total = candidates.size;
  // Who names each task (as a dependency or as a parent); a candidate named by a task that stays must stay too.
  const namedBy = new Map<string, string[]>();
  const name = (target: string, by: string) => {
    let list = namedBy.get(target);
    if (!list) namedBy.set(target, (list = []));
    list.push(by);
  };
  for (const task of state.tasks.values()) {
    for (const dep of task.dependsOn) name(dep.taskId, task.id);
    if (task.parentId) name(task.parentId, task.id);
  }
  // Keeping one task may keep what it names: repeat until nothing changes.
  let changed = true;
  while (changed) {
    changed = false;
    for (const id of candidates) {
      if ((namedBy.get(id) ?? []).some((by) => !candidates.has(by))) {
        candidates.delete(id);
        changed = true;
      }
    }
  }
  return { remove: candidates, kept: total - candidates.size };
}

/** Which log lines the compaction keeps (see the module comment). */
function compactionFilter(tracker: Tracker, remove: ReadonlySet<string>, now: number): (line: string) => boolean {
  const newestInbox = newestInboxRevs(tracker);
  const idempotencyCutoff = now - IDEMPOTENCY_TTL_MS;
  return (line) => {
    const parsed = JSON.parse(line) as Partial<TrackerEvent> & RecordLine;
    if (typeof parsed.seq === 'number') {
      const taskId = parsed.taskId;
      if (taskId === undefined) return true;
      if (remove.has(taskId)) return parsed.type === 'task.deleted';
      return tracker.state.tasks.has(taskId);
    }
    const keepInbox = parsed.inbox !== undefined && parsed.inbox.rev >= (newestInbox.get(parsed.inbox.file) ?? 0);
    const keepIdempotency = parsed.idempotency !== undefined && Date.parse(parsed.idempotency.at) >= idempotencyCutoff;
    return keepInbox || keepIdempotency || (parsed.inbox === undefined && parsed.idempotency === undefined);
  };
}

/**
 * The newest cursor record of each inbox file in the log, read before the compaction: a record appended meanwhile has
 * a higher rev still, so it is kept too.
 */
function newestInboxRevs(tracker: Tracker): Map<string, number> {
  const newest = new Map<string, number>();
  for (const segment of tracker.store.journal.segmentList) {
    for (const line of readLines(segment.path)) {
      if (!line.includes('"inbox"')) continue;
      const record = JSON.parse(line) as RecordLine & { seq?: unknown };
      if (record.seq !== undefined || !record.inbox) continue;
      newest.set(record.inbox.file, Math.max(newest.get(record.inbox.file) ?? 0, record.inbox.rev));
    }
  }
  return newest;
}

/**
 * After `forgetTasks`: this run's `task.deleted` events go back into the feed (in seq order), and what earlier runs
 * left in memory (events and histories of tasks no longer in the registry, e.g. read back from the log at a restart)
 * goes.
 */
function pruneOrphans(state: TrackerState, tombstones: readonly TrackerEvent[]): void {
  const current = new Set(tombstones.map((event) => event.seq));
  const feed = state.events as TrackerEvent[];
  let kept = 0;
  for (const event of feed) {
    if (event.taskId !== undefined && !state.tasks.has(event.taskId) && !current.has(event.seq)) continue;
    feed[kept++] = event;
  }
  feed.length = kept;
  for (const tombstone of tombstones) insertInOrder(feed, tombstone);
  for (const taskId of state.taskEvents.keys()) if (!state.tasks.has(taskId)) state.taskEvents.delete(taskId);
}

function insertInOrder(feed: TrackerEvent[], event: TrackerEvent): void {
  let lo = 0;
  let hi = feed.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((feed[mid] as TrackerEvent).seq < event.seq) lo = mid + 1;
    else hi = mid;
  }
  if (feed[lo]?.seq !== event.seq) feed.splice(lo, 0, event);
}
