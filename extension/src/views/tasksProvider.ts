/** The Tasks view: renders the TaskTree; redraws only the groups and rows a change names, at most 10 times a second. */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { TaskGroupId, TaskTree, TaskTreeChange } from '../model/taskTree.js';
import type { TrackerModel } from '../model/trackerModel.js';
import { TaskGroupNode, taskGroupTreeItem } from './nodes/taskGroupNode.js';
import { TaskNode, taskTreeItem } from './nodes/taskNode.js';
import { RefreshScheduler } from './refreshScheduler.js';

export type TasksElement = TaskGroupNode | TaskNode;

export class TasksProvider extends Disposable implements vscode.TreeDataProvider<TasksElement> {
  private readonly groupNodes = new Map<TaskGroupId, TaskGroupNode>();
  private taskNodes = new Map<string, TaskNode>();
  private readonly emitter = this.register(new vscode.EventEmitter<TasksElement[] | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly scheduler = this.register(new RefreshScheduler<TasksElement>((e) => this.emitter.fire(e)));

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
    if (!element) return this.tree.roots().map((g) => this.groupNode(g));
    const ids = element.kind === 'group' ? this.tree.groupChildren(element.group) : this.tree.taskChildren(element.taskId);
    return ids.map((id) => this.taskNode(id));
  }

  getTreeItem(element: TasksElement): vscode.TreeItem {
    if (element.kind === 'group') return taskGroupTreeItem(element.group, this.tree.groupChildren(element.group).length);
    const task = this.model.getTask(element.taskId);
    if (!task) return new vscode.TreeItem(element.taskId);
    return taskTreeItem(task, {
      view: 'tasks',
      hasChildren: this.tree.hasChildren(task.id),
      blockers: this.tree.blockers(task),
      possiblyStuck: this.tree.isPossiblyStuck(task),
      now: Date.now(),
      stuckAfterSeconds: this.stuckAfterSeconds(),
    });
  }

  getParent(element: TasksElement): TasksElement | undefined {
    if (element.kind === 'group') return undefined;
    const container = this.tree.containerOf(element.taskId);
    if (!container) return undefined;
    return 'group' in container ? this.groupNode(container.group) : this.taskNode(container.parentId);
  }

  /** The node of a shown task, for `reveal`. */
  nodeFor(taskId: string): TaskNode | undefined {
    return this.tree.containerOf(taskId) ? this.taskNode(taskId) : undefined;
  }

  private onTreeChange(change: TaskTreeChange): void {
    if (change.all) {
      // Fresh nodes after a full redraw: VS Code asks for every child again, so old identities are not needed.
      this.taskNodes = new Map();
      this.scheduler.schedule(undefined);
      return;
    }
    const elements: TasksElement[] = [];
    for (const group of change.groups) elements.push(this.groupNode(group));
    for (const id of change.parents) pushIfKnown(elements, this.taskNodes.get(id));
    for (const id of change.items) pushIfKnown(elements, this.taskNodes.get(id));
    this.scheduler.schedule(elements);
  }

  private groupNode(group: TaskGroupId): TaskGroupNode {
    let node = this.groupNodes.get(group);
    if (!node) this.groupNodes.set(group, (node = new TaskGroupNode(group)));
    return node;
  }

  private taskNode(id: string): TaskNode {
    let node = this.taskNodes.get(id);
    if (!node) this.taskNodes.set(id, (node = new TaskNode(id, 'tasks')));
    return node;
  }
}

/** Only elements VS Code has been given can be redrawn by identity; the rest it has never shown. */
function pushIfKnown<T>(elements: T[], element: T | undefined): void {
  if (element) elements.push(element);
}
