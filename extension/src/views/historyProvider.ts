/** The History view: finished tasks grouped by day, newest first, with a "Load more" row while pages remain. */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import { localDayKey } from '../model/format.js';
import type { HistoryChange, HistoryList } from '../model/historyList.js';
import type { TaskTree } from '../model/taskTree.js';
import type { TrackerModel } from '../model/trackerModel.js';
import { HistoryDayNode, LoadMoreNode, historyDayTreeItem, loadMoreTreeItem } from './nodes/historyNodes.js';
import { TaskNode, taskTooltip, taskTreeItem } from './nodes/taskNode.js';
import { NodeCache } from './nodeCache.js';
import { RefreshScheduler } from './refreshScheduler.js';
import { RowMemo } from './rowMemo.js';
import { taskRowContext, type RowSources } from './taskRowContext.js';

export type HistoryElement = HistoryDayNode | TaskNode | LoadMoreNode;

export class HistoryProvider extends Disposable implements vscode.TreeDataProvider<HistoryElement> {
  private readonly dayNodes = new NodeCache((day: string) => new HistoryDayNode(day));
  private readonly taskNodes = new NodeCache((id: string) => new TaskNode(id, 'history'));
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
    if (element.kind === 'day') return (this.history.dayOf(element.day)?.taskIds ?? []).map((id) => this.taskNodes.get(id));
    return [];
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
    if (element.kind !== 'task') return undefined;
    const completedAt = this.history.getTask(element.taskId)?.completedAt;
    return completedAt ? this.dayNodes.get(localDayKey(completedAt)) : undefined;
  }

  async loadMore(): Promise<void> {
    const loading = this.history.loadMore();
    this.scheduler.schedule([this.loadMoreNode]);
    await loading;
  }

  private onHistoryChange(change: HistoryChange): void {
    if (change.all) {
      this.dayNodes.clear();
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
