/**
 * The Tasks view's filter and how the view says so: the description names the filter, the message says it is on (or
 * that the daemon is offline), and the `agentTracker.filtered` context key shows the "Clear Filter" button.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import { describeFilter, isFilterEmpty, type TaskFilter } from '../model/taskFilter.js';
import type { TaskTree } from '../model/taskTree.js';
import type { TrackerModel } from '../model/trackerModel.js';
import { connectionMessage } from './connectionMessages.js';

export class TaskFilterState extends Disposable {
  private view: vscode.TreeView<unknown> | undefined;

  constructor(
    private readonly tree: TaskTree,
    private readonly model: TrackerModel,
  ) {
    super();
    this.register(model.onDidChangeConnection(() => this.render()));
  }

  get current(): TaskFilter {
    return this.tree.currentFilter;
  }

  get isActive(): boolean {
    return !isFilterEmpty(this.tree.currentFilter);
  }

  attach(view: vscode.TreeView<unknown>): void {
    this.view = view;
    this.render();
  }

  async set(filter: TaskFilter): Promise<void> {
    this.tree.setFilter(filter);
    await vscode.commands.executeCommand('setContext', 'agentTracker.filtered', this.isActive);
    this.render();
  }

  private render(): void {
    if (!this.view) return;
    const described = describeFilter(this.tree.currentFilter);
    this.view.description = this.isActive ? `filtered: ${described}` : undefined;
    const offline = connectionMessage(this.model);
    const filtered = this.isActive ? `Filter on: ${described}.` : '';
    this.view.message = [offline, filtered].filter(Boolean).join(' ') || undefined;
  }
}
