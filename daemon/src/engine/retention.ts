/**
 * History retention: removes finished tasks (done, failed, cancelled) completed before a cutoff, with their events.
 *
 * One run:
 * 1. picks the tasks to remove. A task another remaining task depends on (`dependsOn`) or names as its parent stays,
 *    so no remaining task points at a task that is gone; it goes in a later run together with the last task naming it.
 * 2. records a `task.deleted` event for each (actor `daemon` for the daily run, `user` for the route): stream clients
 *    learn of the removal live, and a recovery from an older registry snapshot removes the tasks again.
 * 3. has the store compact its history (`Store.compact`): the removed tasks' events go, their `task.deleted` events
 *    stay in the feed for stream clients reconnecting with an older `after`, and bookkeeping past its lifetime goes.
 * Live tasks' events are never touched. Runs are serialized, and only the daemon that leads the store runs the daily
 * one.
 */
import { whenSettled, describeError, FINISHED_STATES } from '../protocol/index.js';
import type { TrackerState } from '../store/state.js';
import type { Logger } from '../common/logger.js';
import type { Tracker } from './tracker.js';

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
    this.running = whenSettled(run);
    return run;
  }

  /** The daily run; `retentionDays` 0 turns it off. The first run comes `firstRunMs` after start. */
  schedule(retentionDays: number, firstRunMs = 60_000): void {
    if (retentionDays <= 0) return;
    const tick = (delay: number) => {
      this.timer = setTimeout(() => {
        if (!this.tracker.store.isLeader()) return tick(DAY_MS);
        this.cleanup(retentionDays, 'daemon').then(
          (result) => {
            if (result.removed > 0) this.log.info(`retention: removed ${result.removed} tasks finished over ${retentionDays} days ago`);
          },
          (error: unknown) => this.log.error(`retention run failed: ${describeError(error)}`),
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
    const { tracker } = this;
    const cutoff = tracker.clock.now() - olderThanDays * DAY_MS;
    const { remove, kept } = selectRemovable(tracker.state, cutoff);
    await tracker.deleteTasks(remove, actor, `retention: finished before ${new Date(cutoff).toISOString()}`);
    // The route compacts only when it removed something; the daily run compacts the bookkeeping records anyway.
    if (remove.size === 0 && actor === 'user') {
      const bytes = (await tracker.store.health()).bytes ?? 0;
      return { removed: 0, kept, logBytesBefore: bytes, logBytesAfter: bytes };
    }
    const { bytesBefore, bytesAfter } = await tracker.store.compact({ removed: remove });
    return { removed: remove.size, kept, logBytesBefore: bytesBefore, logBytesAfter: bytesAfter };
  }
}

/** Old finished tasks that no remaining task depends on or descends from. */
export function selectRemovable(state: TrackerState, cutoff: number): { remove: Set<string>; kept: number } {
  const candidates = new Set<string>();
  for (const task of state.tasks.inStates(FINISHED_STATES)) {
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
