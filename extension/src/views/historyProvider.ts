/**
 * The History view: finished tasks grouped by day, newest first, a large day split by outcome (and a large outcome by
 * agent), with a "Load more" row while pages remain.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import { localDayKey } from '../model/format.js';
import { historyGroups, type HistoryGroup, type HistorySources } from '../model/historyGroups.js';
import type { HistoryChange, HistoryList } from '../model/historyList.js';
import { agentLabel } from '../model/plainWords.js';
import type { TaskTree } from '../model/taskTree.js';
import type { TrackerModel } from '../model/trackerModel.js';
import { HistoryDayNode, HistoryGroupNode, LoadMoreNode, historyDayTreeItem, historyGroupTreeItem, loadMoreTreeItem } from './nodes/historyNodes.js';
import { TaskNode, taskTooltip, taskTreeItem } from './nodes/taskNode.js';
import { NodeCache } from './nodeCache.js';
import { RefreshScheduler } from './refreshScheduler.js';
import { RowMemo } from './rowMemo.js';
import { taskRowContext, type RowSources } from './taskRowContext.js';

export type HistoryElement = HistoryDayNode | HistoryGroupNode | TaskNode | LoadMoreNode;

export class HistoryProvider extends Disposable implements vscode.TreeDataProvider<HistoryElement> {
  private readonly dayNodes = new NodeCache((day: string) => new HistoryDayNode(day));
  private readonly taskNodes = new NodeCache((id: string) => new TaskNode(id, 'history'));
  private readonly groupNodes = new NodeCache((key: string) => new HistoryGroupNode(key));
  /** The groups as last listed, each with the element it sits under. */
  private readonly groups = new Map<string, { group: HistoryGroup; parent: HistoryElement }>();
  private readonly loadMoreNode = new LoadMoreNode();
  private readonly memo = new RowMemo<HistoryElement>();
  private readonly emitter = this.register(new vscode.EventEmitter<HistoryElement[] | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly scheduler = this.register(new RefreshScheduler<HistoryElement>((e) => this.emitter.fire(e)));

  constructor(
    private readonly model: TrackerModel,
    private readonly history: HistoryList,
    private readonly taskTree: TaskTree,
  ) {
    super();
    this.register(history.onDidChange((change) => this.onHistoryChange(change)));
  }

  getChildren(element?: HistoryElement): HistoryElement[] {
    if (!this.model.hasSnapshot) return [];
    if (!element) {
      const days: HistoryElement[] = this.history.days().map((d) => this.dayNodes.get(d.key));
      if (this.history.hasMore) days.push(this.loadMoreNode);
      return days;
    }
    if (element.kind === 'day') return this.childrenOf(element, this.history.dayOf(element.day)?.taskIds ?? [], element.day);
    if (element.kind === 'group') {
      const entry = this.groups.get(element.key);
      if (!entry) return [];
      const day = element.key.split('/')[0] ?? '';
      // An agent's group is the last level; an outcome's may split by agent.
      return entry.group.agentId === undefined ? this.childrenOf(element, entry.group.taskIds, day, entry.group.outcome) : this.tasksOf(entry.group.taskIds);
    }
    return [];
  }

  private childrenOf(parent: HistoryElement, taskIds: readonly string[], day: string, outcome?: HistoryGroup['outcome']): HistoryElement[] {
    const groups = historyGroups(day, taskIds, this.sources(), outcome);
    if (!groups) return this.tasksOf(taskIds);
    return groups.map((group) => {
      this.groups.set(group.key, { group, parent });
      return this.groupNodes.get(group.key);
    });
  }

  private tasksOf(taskIds: readonly string[]): HistoryElement[] {
    return taskIds.map((id) => this.taskNodes.get(id));
  }

  private sources(): HistorySources {
    return { task: (id) => this.history.getTask(id), agentName: (id) => agentLabel(id, (a) => this.model.getAgent(a)) };
  }

  getTreeItem(element: HistoryElement): vscode.TreeItem {
    return this.memo.drawn(element, this.render(element));
  }

  resolveTreeItem(item: vscode.TreeItem, element: HistoryElement): vscode.TreeItem {
    if (element.kind !== 'task') return item;
    const task = this.history.getTask(element.taskId);
    if (task) item.tooltip = taskTooltip(task, taskRowContext(task, 'history', false, this.rowSources()));
    return item;
  }

  private rowSources(): RowSources {
    return { model: this.model, taskTree: this.taskTree, stuckAfterSeconds: () => 0, titleOf: (id: string) => this.history.getTask(id)?.title };
  }

  private render(element: HistoryElement): vscode.TreeItem {
    const now = Date.now();
    switch (element.kind) {
      case 'day': {
        const first = this.history.days()[0]?.key === element.day;
        return historyDayTreeItem(element.day, this.history.dayOf(element.day)?.taskIds.length ?? 0, now, first);
      }
      case 'group': {
        const group = this.groups.get(element.key)?.group;
        return group ? historyGroupTreeItem(group) : new vscode.TreeItem('(removed)');
      }
      case 'loadMore':
        return loadMoreTreeItem(this.history.days().reduce((n, d) => n + d.taskIds.length, 0), this.history.total, this.history.isLoading);
      case 'task': {
        const task = this.history.getTask(element.taskId);
        if (!task) return new vscode.TreeItem('(removed)');
        return taskTreeItem(task, taskRowContext(task, 'history', false, this.rowSources()));
      }
    }
  }

  getParent(element: HistoryElement): HistoryElement | undefined {
    if (element.kind === 'group') return this.groups.get(element.key)?.parent;
    if (element.kind !== 'task') return undefined;
    const completedAt = this.history.getTask(element.taskId)?.completedAt;
    if (!completedAt) return undefined;
    // Down from its day, through the groups the day splits into, to the one that holds the task.
    let parent: HistoryElement = this.dayNodes.get(localDayKey(completedAt));
    for (let depth = 0; depth < 2; depth += 1) {
      const holder: HistoryElement | undefined = this.getChildren(parent).find((child) => child.kind === 'group' && this.groups.get(child.key)?.group.taskIds.includes(element.taskId));
      if (!holder) break;
      parent = holder;
    }
    return parent;
  }

  async loadMore(): Promise<void> {
    const loading = this.history.loadMore();
    this.scheduler.schedule([this.loadMoreNode]);
    await loading;
  }

  private onHistoryChange(change: HistoryChange): void {
    if (change.all) {
      this.dayNodes.clear();
      this.groupNodes.clear();
      this.groups.clear();
      this.taskNodes.clear();
      this.memo.clear();
      this.scheduler.schedule(undefined);
      return;
    }
    const elements: HistoryElement[] = this.dayNodes.shown(change.days);
    if (this.history.hasMore) elements.push(this.loadMoreNode);
    this.scheduler.schedule(elements);
  }
}
