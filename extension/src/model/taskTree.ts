/**
 * The shape of the Tasks view, computed without `vscode`: which group each open task sits in, which tasks nest under
 * their parent, and, on every model change, exactly which containers and items the view must redraw.
 */
import { Emitter, type Event } from '../common/emitter.js';
import { Disposable } from '../common/lifecycle.js';
import { plainText } from './plainText.js';
import { needsInputOf } from './plainWords.js';
import { isFinished, matchesTaskQuery, openDependencies, type Task } from './protocol.js';
import { SortedIds, sortKeyOf, type SortKey } from './sortedIds.js';
import { isFilterEmpty, type TaskFilter } from './taskFilter.js';
import type { ModelChange, TrackerModel } from './trackerModel.js';

/** What needs the user comes first: an agent waiting for an answer, then work that hangs. */
export const TASK_GROUPS = ['needs', 'stuck', 'active', 'waiting', 'pending', 'backlog'] as const;
export type TaskGroupId = (typeof TASK_GROUPS)[number];

export const TASK_GROUP_LABELS: Readonly<Record<TaskGroupId, string>> = {
  needs: 'Needs you',
  stuck: 'Stuck',
  active: 'Active',
  waiting: 'Waiting',
  pending: 'Pending',
  backlog: 'Backlog',
};

/**
 * A container shows at most this many tasks, the most important first, then a row saying how many more there are: a
 * list of tens of thousands of rows is read by nobody, and the filter narrows it.
 */
export const MAX_ROWS = 500;
/** Past this many changed tasks, one full redraw is cheaper than naming each element. */
const FULL_REFRESH_THRESHOLD = 500;
/** Deepest parent chain followed; deeper (or cyclic) chains put the task at its group's root. */
const MAX_NESTING = 32;

interface Placement {
  group: TaskGroupId;
  parentId: string | null;
  key: SortKey;
}

/**
 * The open tasks by group, whatever the filter: the one count the status bar, the badge and the Dashboard show, so a
 * stuck task is "stuck" (not also "active") wherever it is counted.
 */
export type OpenTaskCounts = Readonly<Record<TaskGroupId, number>> & { readonly open: number };

export interface TaskTreeChange {
  /** Redraw everything (the root list itself changed, or too much changed to name). */
  readonly all: boolean;
  /** Groups whose children or count changed. */
  readonly groups: ReadonlySet<TaskGroupId>;
  /** Tasks whose subtasks changed (redraw item and children). */
  readonly parents: ReadonlySet<string>;
  /** Tasks whose own row changed. */
  readonly items: ReadonlySet<string>;
}

export interface TaskTreeOptions {
  /** An active task with no event for this long is shown as possibly stuck; 0 turns that off. */
  stuckAfterMs: number;
  now?: () => number;
}

class ChangeCollector {
  all = false;
  readonly groups = new Set<TaskGroupId>();
  readonly parents = new Set<string>();
  readonly items = new Set<string>();

  container(placement: Placement): void {
    if (placement.parentId === null) this.groups.add(placement.group);
    else this.parents.add(placement.parentId);
  }

  get empty(): boolean {
    return !this.all && !this.groups.size && !this.parents.size && !this.items.size;
  }
}

export class TaskTree extends Disposable {
  private readonly placements = new Map<string, Placement>();
  private readonly rootsByGroup = new Map<TaskGroupId, SortedIds>(TASK_GROUPS.map((g) => [g, new SortedIds()]));
  private readonly totalsByGroup = new Map<TaskGroupId, number>(TASK_GROUPS.map((g) => [g, 0]));
  private readonly placedChildren = new Map<string, SortedIds>();
  /** Every task's subtasks and dependents, placed or not: who to re-examine when a task changes. */
  private readonly subtasks = new Map<string, Set<string>>();
  private readonly dependents = new Map<string, Set<string>>();
  /** While rebuilding: what each container will hold, sorted once at the end rather than inserted one by one. */
  private bulk: Map<SortedIds, SortKey[]> | undefined;
  /** Every open task's group whatever the filter: the status bar and the badge count these. */
  private readonly unfilteredGroups = new Map<string, TaskGroupId>();
  private readonly unfilteredTotals = new Map<TaskGroupId, number>(TASK_GROUPS.map((g) => [g, 0]));
  /**
   * Open tasks by title, so rows of tasks with the same title can tell themselves apart. Most titles are held by one
   * task: that one is kept as its id, and a set only once two share a title (a set per task costs megabytes).
   */
  private readonly titles = new Map<string, string>();
  private readonly idsByTitle = new Map<string, string | Set<string>>();
  private filter: TaskFilter = {};
  private stuckAfterMs: number;
  private readonly now: () => number;

  private readonly changeEmitter = this.register(new Emitter<TaskTreeChange>());
  readonly onDidChange: Event<TaskTreeChange> = this.changeEmitter.event;

  constructor(
    private readonly model: TrackerModel,
    options: TaskTreeOptions,
  ) {
    super();
    this.stuckAfterMs = options.stuckAfterMs;
    this.now = options.now ?? Date.now;
    this.rebuild();
    this.register(model.onDidChange((change) => this.onModelChange(change)));
  }

  get currentFilter(): TaskFilter {
    return this.filter;
  }

  setFilter(filter: TaskFilter): void {
    this.filter = isFilterEmpty(filter) ? {} : filter;
    this.rebuildAndFire();
  }

  setStuckAfter(ms: number): void {
    this.stuckAfterMs = ms;
    this.rebuildAndFire();
  }

  /** Groups with at least one task, in display order. */
  roots(): TaskGroupId[] {
    return TASK_GROUPS.filter((g) => (this.rootsByGroup.get(g)?.size ?? 0) > 0);
  }

  /** Every task shown in the group, nested ones included. */
  groupTotal(group: TaskGroupId): number {
    return this.totalsByGroup.get(group) ?? 0;
  }

  /** Every open task of the group, nested or filtered out alike: what the status bar and the badge count. */
  unfilteredTotal(group: TaskGroupId): number {
    return this.unfilteredTotals.get(group) ?? 0;
  }

  /** Needs-you plus stuck, whatever the filter: the view container's badge. */
  attentionCount(): number {
    const counts = this.counts();
    return counts.needs + counts.stuck;
  }

  counts(): OpenTaskCounts {
    const byGroup = Object.fromEntries(TASK_GROUPS.map((g) => [g, this.unfilteredTotal(g)])) as Record<TaskGroupId, number>;
    return { ...byGroup, open: TASK_GROUPS.reduce((sum, g) => sum + byGroup[g], 0) };
  }

  /** Another open task has the same title. */
  hasTwin(taskId: string): boolean {
    const title = this.titles.get(taskId);
    const ids = title === undefined ? undefined : this.idsByTitle.get(title);
    return typeof ids === 'object' && ids.size > 1;
  }

  groupChildren(group: TaskGroupId): readonly string[] {
    return this.rootsByGroup.get(group)?.ids(MAX_ROWS) ?? [];
  }

  taskChildren(taskId: string): readonly string[] {
    return this.placedChildren.get(taskId)?.ids(MAX_ROWS) ?? [];
  }

  /** Tasks at the root of a group beyond the first MAX_ROWS. */
  groupOverflow(group: TaskGroupId): number {
    return Math.max(0, (this.rootsByGroup.get(group)?.size ?? 0) - MAX_ROWS);
  }

  /** Every subtask of a task, shown or not (the task page lists them all). */
  subtasksOf(taskId: string): readonly string[] {
    return [...(this.subtasks.get(taskId) ?? [])];
  }

  /** Every task whose `dependsOn` names this one (the task page lists what it blocks). */
  dependentsOf(taskId: string): readonly string[] {
    return [...(this.dependents.get(taskId) ?? [])];
  }

  hasChildren(taskId: string): boolean {
    return (this.placedChildren.get(taskId)?.size ?? 0) > 0;
  }

  groupOf(taskId: string): TaskGroupId | undefined {
    return this.placements.get(taskId)?.group;
  }

  /** Where a shown task sits: under another task, or at the root of a group; undefined when it is not shown. */
  containerOf(taskId: string): { parentId: string } | { group: TaskGroupId } | undefined {
    const placement = this.placements.get(taskId);
    if (!placement) return undefined;
    return placement.parentId === null ? { group: placement.group } : { parentId: placement.parentId };
  }

  /** Dependencies not yet done; unknown ones count as blocking only if the daemon said the task is blocked. */
  blockers(task: Task): string[] {
    return openDependencies(task, (id) => this.model.getTask(id), task.blocked);
  }

  /** An active task that has been silent longer than the setting, and that the daemon has not flagged itself. */
  isPossiblyStuck(task: Task): boolean {
    if (this.stuckAfterMs <= 0 || task.state !== 'active' || task.stuck) return false;
    return this.now() - Date.parse(task.updatedAt) > this.stuckAfterMs;
  }

  /** Re-examines the silent-task heuristic, which time alone changes. */
  tick(): void {
    if (this.stuckAfterMs <= 0) return;
    const changed: string[] = [];
    for (const task of this.model.tasks()) {
      if (task.state !== 'active') continue;
      const group = this.unfilteredGroups.get(task.id);
      const wantStuck = task.stuck !== null || this.isPossiblyStuck(task);
      if (group && group !== 'needs' && (group === 'stuck') !== wantStuck) changed.push(task.id);
    }
    if (changed.length) this.update(changed);
  }

  private onModelChange(change: ModelChange): void {
    if (change.reset) this.rebuildAndFire();
    else if (change.tasks.size) this.update(change.tasks);
  }

  private rebuildAndFire(): void {
    this.rebuild();
    this.changeEmitter.fire({ all: true, groups: new Set(), parents: new Set(), items: new Set() });
  }

  private rebuild(): void {
    this.placements.clear();
    this.placedChildren.clear();
    this.subtasks.clear();
    this.dependents.clear();
    this.unfilteredGroups.clear();
    this.titles.clear();
    this.idsByTitle.clear();
    for (const ids of this.rootsByGroup.values()) ids.reset([]);
    for (const g of TASK_GROUPS) {
      this.totalsByGroup.set(g, 0);
      this.unfilteredTotals.set(g, 0);
    }
    for (const task of this.model.tasks()) this.index(task);
    this.bulk = new Map();
    try {
      for (const task of this.model.tasks()) this.place(task.id, new ChangeCollector());
      for (const [ids, keys] of this.bulk) ids.reset(keys);
    } finally {
      this.bulk = undefined;
    }
  }

  private update(ids: Iterable<string>): void {
    const rootsBefore = this.roots().join();
    const collector = new ChangeCollector();
    let count = 0;
    for (const id of ids) {
      count += 1;
      const task = this.model.getTask(id);
      if (task) this.index(task);
      const wasVisible = this.placements.has(id);
      this.place(id, collector);
      if (wasVisible !== this.placements.has(id)) {
        for (const child of this.subtasks.get(id) ?? []) this.place(child, collector);
      }
      for (const dependent of this.dependents.get(id) ?? []) {
        if (this.placements.has(dependent)) collector.items.add(dependent);
      }
      // A parent's row shows its subtasks' progress taken together.
      if (task?.parentId && this.placements.has(task.parentId)) collector.items.add(task.parentId);
    }
    if (count > FULL_REFRESH_THRESHOLD || this.roots().join() !== rootsBefore) collector.all = true;
    if (!collector.empty) this.changeEmitter.fire(collector);
  }

  private index(task: Task): void {
    if (task.parentId) addTo(this.subtasks, task.parentId, task.id);
    for (const dep of task.dependsOn) addTo(this.dependents, dep.taskId, task.id);
  }

  /** Puts one task where it belongs now, recording which containers and rows that touched. */
  private place(id: string, collector: ChangeCollector): void {
    const before = this.placements.get(id);
    const task = this.model.getTask(id);
    this.count(id, task, collector);
    const after = task && this.isVisible(task) ? this.placementFor(task) : undefined;
    if (before && after && samePlacement(before, after)) {
      collector.items.add(id);
      return;
    }
    if (before) {
      this.unplace(id, before);
      collector.container(before);
      collector.groups.add(before.group);
    }
    if (after) {
      this.placements.set(id, after);
      this.add(this.containerFor(after, true) as SortedIds, after.key);
      this.totalsByGroup.set(after.group, this.groupTotal(after.group) + 1);
      collector.container(after);
      collector.groups.add(after.group);
    }
  }

  /** Keeps the unfiltered group totals and the title index, which ignore the filter and the nesting. */
  private count(id: string, task: Task | undefined, collector: ChangeCollector): void {
    const open = task && !isFinished(task.state) && !task.archived ? task : undefined;
    const groupBefore = this.unfilteredGroups.get(id);
    const groupAfter = open ? this.groupFor(open) : undefined;
    if (groupBefore !== groupAfter) {
      if (groupBefore) this.unfilteredTotals.set(groupBefore, this.unfilteredTotal(groupBefore) - 1);
      if (groupAfter) {
        this.unfilteredGroups.set(id, groupAfter);
        this.unfilteredTotals.set(groupAfter, this.unfilteredTotal(groupAfter) + 1);
      } else {
        this.unfilteredGroups.delete(id);
      }
      // A group's row shows the unfiltered count too.
      if (groupBefore) collector.groups.add(groupBefore);
      if (groupAfter) collector.groups.add(groupAfter);
    }
    const titleBefore = this.titles.get(id);
    // Titles are told apart as they read: two that differ only in invisible characters look the same.
    const titleAfter = open ? plainText(open.title) : undefined;
    if (titleBefore === titleAfter) return;
    if (titleBefore !== undefined) this.retitle(titleBefore, id, false, collector);
    if (titleAfter !== undefined) this.retitle(titleAfter, id, true, collector);
  }

  private retitle(title: string, id: string, add: boolean, collector: ChangeCollector): void {
    const held = this.idsByTitle.get(title);
    const ids = typeof held === 'object' ? held : new Set(held === undefined ? [] : [held]);
    if (add) {
      ids.add(id);
      this.titles.set(id, title);
    } else {
      ids.delete(id);
      this.titles.delete(id);
    }
    const [only] = ids;
    if (only === undefined) this.idsByTitle.delete(title);
    else this.idsByTitle.set(title, ids.size === 1 ? only : ids);
    // Going from one to two (or back) changes how every row of that title reads.
    if (ids.size <= 2) for (const other of ids) if (other !== id) collector.items.add(other);
  }

  private unplace(id: string, placement: Placement): void {
    this.placements.delete(id);
    const container = this.containerFor(placement, false);
    container?.delete(id);
    if (placement.parentId !== null && container?.size === 0) this.placedChildren.delete(placement.parentId);
    this.totalsByGroup.set(placement.group, this.groupTotal(placement.group) - 1);
  }

  /** The sorted ids a placement puts its task into (created on demand for a parent's subtasks). */
  private containerFor(placement: Placement, create: boolean): SortedIds | undefined {
    if (placement.parentId === null) return this.rootsByGroup.get(placement.group);
    let ids = this.placedChildren.get(placement.parentId);
    if (!ids && create) this.placedChildren.set(placement.parentId, (ids = new SortedIds()));
    return ids;
  }

  private add(ids: SortedIds, key: SortKey): void {
    if (!this.bulk) return ids.add(key);
    let keys = this.bulk.get(ids);
    if (!keys) this.bulk.set(ids, (keys = []));
    keys.push(key);
  }

  private isVisible(task: Task): boolean {
    return !isFinished(task.state) && !task.archived && matchesTaskQuery(task, this.filter);
  }

  private placementFor(task: Task): Placement {
    const group = this.groupFor(task);
    const parentId = group !== 'stuck' && group !== 'needs' && this.nestsUnderParent(task) ? task.parentId : null;
    return { group, parentId, key: sortKeyOf(task) };
  }

  /** Needs-you and stuck tasks always stay at the root of their group, where the user looks for them. */
  private groupFor(task: Task): TaskGroupId {
    if (needsInputOf(task)) return 'needs';
    if (task.stuck || this.isPossiblyStuck(task)) return 'stuck';
    switch (task.state) {
      case 'active':
        return 'active';
      case 'backlog':
        return 'backlog';
      case 'pending':
        return 'pending';
      default:
        return 'waiting';
    }
  }

  private nestsUnderParent(task: Task): boolean {
    const seen = new Set<string>([task.id]);
    let current: Task | undefined = task;
    for (let depth = 0; depth < MAX_NESTING && current?.parentId; depth += 1) {
      if (seen.has(current.parentId)) return false;
      seen.add(current.parentId);
      const parent = this.model.getTask(current.parentId);
      if (!parent || !this.isVisible(parent)) return current !== task;
      if (!parent.parentId) return true;
      current = parent;
    }
    return false;
  }
}

function samePlacement(a: Placement, b: Placement): boolean {
  return a.group === b.group && a.parentId === b.parentId && a.key.priority === b.key.priority;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}
