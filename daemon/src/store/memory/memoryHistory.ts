/** The in-memory store's history: the feed in seq order and each task's events. */
import type { TrackerEvent } from '../../protocol/index.js';

export class MemoryHistory {
  private readonly feed: TrackerEvent[] = [];
  private readonly byTask = new Map<string, TrackerEvent[]>();

  add(event: TrackerEvent): void {
    this.feed.push(event);
    if (!event.taskId) return;
    let list = this.byTask.get(event.taskId);
    // An id used again after a `task.deleted` is a new task with a history of its own.
    if (!list || event.type === 'task.created') this.byTask.set(event.taskId, (list = []));
    list.push(event);
  }

  /** Events with seq > after and <= upTo, at most `limit` (the feed may have gaps after retention). */
  after(after: number, limit: number, upTo: number): TrackerEvent[] {
    let lo = 0;
    let hi = this.feed.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.feed[mid] as TrackerEvent).seq <= after) lo = mid + 1;
      else hi = mid;
    }
    const out: TrackerEvent[] = [];
    for (let i = lo; i < this.feed.length && out.length < limit; i++) {
      const event = this.feed[i] as TrackerEvent;
      if (event.seq > upTo) break;
      out.push(event);
    }
    return out;
  }

  task(taskId: string): readonly TrackerEvent[] | undefined {
    return this.byTask.get(taskId);
  }

  /**
   * Keeps the events of tasks `keep` accepts, and the `task.deleted` events of this removal, so that a stream client
   * reconnecting with an older `after` still learns of it.
   */
  prune(removed: ReadonlySet<string>, keep: (taskId: string) => boolean): void {
    let kept = 0;
    for (const event of this.feed) {
      const taskId = event.taskId;
      if (taskId !== undefined && !keep(taskId) && !(removed.has(taskId) && event.type === 'task.deleted')) continue;
      this.feed[kept++] = event;
    }
    this.feed.length = kept;
    for (const taskId of [...this.byTask.keys()]) if (!keep(taskId)) this.byTask.delete(taskId);
  }
}
