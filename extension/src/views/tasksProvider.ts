/** The Tasks view: renders the TaskTree; redraws only the groups and rows a change names, at most 10 times a second. */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { TaskGroupId, TaskTree, TaskTreeChange } from '../model/taskTree.js';
import type { TrackerModel } from '../model/trackerModel.js';
import { MoreTasksNode, TaskGroupNode, moreTasksTreeItem, taskGroupTreeItem } from './nodes/taskGroupNode.js';
import { TaskNode, taskTooltip, taskTreeItem } from './nodes/taskNode.js';
import { NodeCache } from './nodeCache.js';
import { RefreshScheduler } from './refreshScheduler.js';
import { RowMemo } from './rowMemo.js';
import { RowPacer } from './rowPacer.js';
import { taskRowContext } from './taskRowContext.js';

export type TasksElement = TaskGroupNode | TaskNode | MoreTasksNode;

export class TasksProvider extends Disposable implements vscode.TreeDataProvider<TasksElement> {
  private readonly groupNodes = new NodeCache((group: TaskGroupId) => new TaskGroupNode(group));
  private readonly taskNodes = new NodeCache((id: string) => new TaskNode(id, 'tasks'));
  private readonly moreNodes = new NodeCache((group: TaskGroupId) => new MoreTasksNode(group));
  private readonly memo = new RowMemo<TasksElement>();
  private readonly emitter = this.register(new vscode.EventEmitter<TasksElement[] | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly scheduler = this.register(new RefreshScheduler<TasksElement>((e) => this.emitter.fire(e)));
  private readonly pacer = this.register(new RowPacer<TasksElement>((rows) => this.scheduler.schedule(rows)));

  constructor(
    private readonly model: TrackerModel,
    private readonly tree: TaskTree,
    private readonly stuckAfterSeconds: () => number,
  ) {
    super();
    this.register(tree.onDidChange((change) => this.onTreeChange(change)));
    this.register(model.onDidChangeConnection(() => this.scheduler.schedule(undefined)));
  }

  /** Redraws everything, e.g. when time alone changed what rows say. */
  refreshAll(): void {
    this.scheduler.schedule(undefined);
  }

  getChildren(element?: TasksElement): TasksElement[] {
    // Until a snapshot arrives the view stays empty, so its welcome content (connect / start) shows.
    if (!this.model.hasSnapshot) return [];
    if (!element) return this.tree.roots().map((g) => this.groupNodes.get(g));
    if (element.kind === 'more') return [];
    const ids = element.kind === 'group' ? this.tree.groupChildren(element.group) : this.tree.taskChildren(element.taskId);
    const rows: TasksElement[] = ids.map((id) => this.taskNodes.get(id));
    if (element.kind === 'group' && this.tree.groupOverflow(element.group) > 0) rows.push(this.moreNodes.get(element.group));
    return rows;
  }

  getTreeItem(element: TasksElement): vscode.TreeItem {
    return this.memo.drawn(element, this.render(element));
  }

  resolveTreeItem(item: vscode.TreeItem, element: TasksElement): vscode.TreeItem {
    if (element.kind !== 'task') return item;
    const task = this.model.getTask(element.taskId);
    if (task) item.tooltip = taskTooltip(task, taskRowContext(task, 'tasks', this.tree.hasChildren(task.id), this.rowSources()));
    return item;
  }

  private rowSources(): { model: TrackerModel; taskTree: TaskTree; stuckAfterSeconds: () => number } {
    return { model: this.model, taskTree: this.tree, stuckAfterSeconds: this.stuckAfterSeconds };
  }

  getParent(element: TasksElement): TasksElement | undefined {
    if (element.kind === 'group') return undefined;
    if (element.kind === 'more') return this.groupNodes.get(element.group);
    const container = this.tree.containerOf(element.taskId);
    if (!container) return undefined;
    return 'group' in container ? this.groupNodes.get(container.group) : this.taskNodes.get(container.parentId);
  }

  /** The node of a shown task, for `reveal`. */
  nodeFor(taskId: string): TaskNode | undefined {
    return this.tree.containerOf(taskId) ? this.taskNodes.get(taskId) : undefined;
  }

  private render(element: TasksElement): vscode.TreeItem {
    if (element.kind === 'more') return moreTasksTreeItem(element.group, this.tree.groupOverflow(element.group));
    if (element.kind === 'group') {
      return taskGroupTreeItem(element.group, { shown: this.tree.groupTotal(element.group), all: this.tree.unfilteredTotal(element.group) });
    }
    const task = this.model.getTask(element.taskId);
    if (!task) return new vscode.TreeItem('(removed)');
    return taskTreeItem(task, taskRowContext(task, 'tasks', this.tree.hasChildren(task.id), this.rowSources()));
  }

  private onTreeChange(change: TaskTreeChange): void {
    if (change.all) {
      // Fresh nodes after a full redraw: VS Code asks for every child again, so old identities are not needed.
      this.taskNodes.clear();
      this.memo.clear();
      this.pacer.clear();
      this.scheduler.schedule(undefined);
      return;
    }
    // Containers whose children changed are always redrawn; rows only when they would look different.
    const containers: TasksElement[] = [...[...change.groups].map((group) => this.groupNodes.get(group)), ...this.taskNodes.shown(change.parents)];
    const rows = this.memo.changed(this.taskNodes.shown(change.items), (node) => this.render(node));
    this.scheduler.schedule([...containers, ...this.pacer.pace(rows)]);
  }
}
