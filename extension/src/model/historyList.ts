/**
 * The History view's data without `vscode`: finished tasks, newest completion first, read page by page from
 * `GET /v1/history` and kept current by the live model (a task that finishes appears at the top; a retried one leaves).
 */
import { Emitter, type Event } from '../common/emitter.js';
import { Disposable } from '../common/lifecycle.js';
import { localDayKey } from './format.js';
import { handledElsewhere, isFinished, type Task } from './protocol.js';
import type { ModelChange, TrackerModel } from './trackerModel.js';

export interface HistoryPage {
  items: readonly Task[];
  total: number;
}

export type HistoryLoader = (offset: number, limit: number) => Promise<HistoryPage>;

export interface HistoryDay {
  key: string;
  taskIds: readonly string[];
}

export interface HistoryChange {
  readonly all: boolean;
  readonly days: ReadonlySet<string>;
}

export const HISTORY_PAGE_SIZE = 50;

export class HistoryList extends Disposable {
  /** Finished tasks kept here, so rows show the task as it finished even if the live model no longer holds it. */
  private readonly tasks = new Map<string, Task>();
  private order: string[] = [];
  /** Each held task's local day, computed once: date formatting is the costly part of grouping. */
  private readonly dayOfTask = new Map<string, string>();
  private readonly dayCounts = new Map<string, number>();
  private serverTotal = 0;
  private fetched = 0;
  private daysCache: HistoryDay[] | undefined;
  private loading: Promise<void> | undefined;
  private generation = 0;
  private lastLoadFailed = false;

  private readonly changeEmitter = this.register(new Emitter<HistoryChange>());
  readonly onDidChange: Event<HistoryChange> = this.changeEmitter.event;

  constructor(
    private readonly model: TrackerModel,
    private readonly loader: HistoryLoader,
    private readonly pageSize = HISTORY_PAGE_SIZE,
  ) {
    super();
    this.register(model.onDidChange((change) => this.onModelChange(change)));
    // A page that could not be read (the daemon went away mid-load) is read again once the connection is back.
    this.register(
      model.onDidChangeConnection((state) => {
        if (state.kind === 'connected' && this.lastLoadFailed) handledElsewhere(this.reload());
      }),
    );
  }

  get total(): number {
    return Math.max(this.serverTotal, this.order.length);
  }

  get hasMore(): boolean {
    return this.order.length < this.serverTotal;
  }

  get isLoading(): boolean {
    return this.loading !== undefined;
  }

  getTask(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  days(): readonly HistoryDay[] {
    if (!this.daysCache) {
      const byDay = new Map<string, string[]>();
      for (const id of this.order) {
        const key = this.dayOfTask.get(id);
        if (key === undefined) continue;
        let list = byDay.get(key);
        if (!list) byDay.set(key, (list = []));
        list.push(id);
      }
      this.daysCache = [...byDay].map(([key, taskIds]) => ({ key, taskIds }));
    }
    return this.daysCache;
  }

  dayOf(day: string): HistoryDay | undefined {
    return this.days().find((d) => d.key === day);
  }

  /** Drops what was loaded and reads the first page again. */
  async reload(): Promise<void> {
    this.generation += 1;
    this.tasks.clear();
    this.dayOfTask.clear();
    this.dayCounts.clear();
    this.order = [];
    this.serverTotal = 0;
    this.fetched = 0;
    this.loading = undefined;
    this.fireAll();
    await this.loadMore();
  }

  /** Reads the next page; concurrent calls share one request. */
  loadMore(): Promise<void> {
    this.loading ??= this.fetchNext()
      .then(
        () => void (this.lastLoadFailed = false),
        (error: unknown) => {
          this.lastLoadFailed = true;
          throw error;
        },
      )
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  private async fetchNext(): Promise<void> {
    const generation = this.generation;
    const page = await this.loader(this.fetched, this.pageSize);
    if (generation !== this.generation) return;
    this.fetched += page.items.length;
    this.serverTotal = page.total;
    for (const task of page.items) {
      // Live events may already have put a newer copy here.
      if (!this.tasks.has(task.id) && task.completedAt) {
        this.hold(task, task.completedAt);
        this.order.push(task.id);
      }
    }
    this.sortOrder();
    this.fireAll();
  }

  private onModelChange(change: ModelChange): void {
    if (change.reset) {
      handledElsewhere(this.reload());
      return;
    }
    const days = new Set<string>();
    let structural = false;
    for (const id of change.tasks) {
      const result = this.upsert(id, days);
      structural ||= result;
    }
    if (structural || days.size) {
      this.daysCache = undefined;
      this.changeEmitter.fire({ all: structural, days });
    }
  }

  /** Returns true when a day appeared or vanished (the root list changed). */
  private upsert(id: string, days: Set<string>): boolean {
    const task = this.model.getTask(id);
    const belongs = !!task && isFinished(task.state) && !task.archived && !!task.completedAt;
    const before = this.tasks.get(id);
    if (!before && !belongs) return false;
    let structural = false;
    if (before) {
      const day = this.release(id);
      if (day !== undefined) {
        days.add(day);
        structural ||= !this.dayCounts.has(day);
      }
      this.order = this.order.filter((x) => x !== id);
      this.serverTotal = Math.max(0, this.serverTotal - 1);
    }
    if (belongs && task?.completedAt && this.withinLoadedRange(task)) {
      const day = this.hold(task, task.completedAt);
      structural ||= this.dayCounts.get(day) === 1;
      this.order.push(id);
      this.sortOrder();
      this.serverTotal += 1;
      days.add(day);
    }
    this.daysCache = undefined;
    return structural;
  }

  private hold(task: Task, completedAt: string): string {
    const day = localDayKey(completedAt);
    this.tasks.set(task.id, task);
    this.dayOfTask.set(task.id, day);
    this.dayCounts.set(day, (this.dayCounts.get(day) ?? 0) + 1);
    return day;
  }

  private release(id: string): string | undefined {
    const day = this.dayOfTask.get(id);
    this.tasks.delete(id);
    this.dayOfTask.delete(id);
    if (day === undefined) return undefined;
    const left = (this.dayCounts.get(day) ?? 1) - 1;
    if (left > 0) this.dayCounts.set(day, left);
    else this.dayCounts.delete(day);
    return day;
  }

  /** Tasks older than the last loaded one belong to a page not read yet: "Load more" will bring them. */
  private withinLoadedRange(task: Task): boolean {
    if (!this.hasMore) return true;
    const last = this.tasks.get(this.order[this.order.length - 1] ?? '');
    return !last?.completedAt || (task.completedAt ?? '') >= last.completedAt;
  }

  private sortOrder(): void {
    this.order.sort((a, b) => (this.tasks.get(b)?.completedAt ?? '').localeCompare(this.tasks.get(a)?.completedAt ?? ''));
    this.daysCache = undefined;
  }

  private fireAll(): void {
    this.daysCache = undefined;
    this.changeEmitter.fire({ all: true, days: new Set() });
  }
}
