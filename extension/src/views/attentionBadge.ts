/**
 * The view container's badge: how many tasks need the user (waiting for an answer, or stuck), whatever the filter;
 * none while offline.
 */
import type * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { TaskTree } from '../model/taskTree.js';
import type { TrackerModel } from '../model/trackerModel.js';

export class AttentionBadge extends Disposable {
  private last = -1;

  constructor(
    private readonly view: vscode.TreeView<unknown>,
    private readonly tree: TaskTree,
    private readonly model: TrackerModel,
  ) {
    super();
    this.register(tree.onDidChange(() => this.render()));
    this.register(model.onDidChangeConnection(() => this.render()));
    this.render();
  }

  private render(): void {
    const { needs, stuck } = this.tree.counts();
    // Offline, the counts are the last known ones, not the truth: no badge.
    const value = this.model.connection.kind === 'connected' ? needs + stuck : 0;
    if (value === this.last) return;
    this.last = value;
    const parts = [needs ? `${needs} waiting for you` : '', stuck ? `${stuck} stuck` : ''].filter(Boolean);
    this.view.badge = value ? { value, tooltip: `Agent Tracker: ${parts.join(', ')}` } : undefined;
  }
}
