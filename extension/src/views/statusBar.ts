/**
 * The status bar item: active, needs-you and stuck counts of every open task, whatever the Tasks view's filter (so they
 * agree with the unfiltered group counts), with a warning background when something needs the user; or offline.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { TaskTree } from '../model/taskTree.js';
import type { TrackerModel } from '../model/trackerModel.js';

export class TrackerStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('agentTracker.status', vscode.StatusBarAlignment.Left, 50));
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly model: TrackerModel,
    private readonly tree: TaskTree,
  ) {
    super();
    this.item.name = 'Agent Tracker';
    this.item.command = 'agentTracker.tasks.focus';
    this.register(model.onDidChangeConnection(() => this.schedule()));
    this.register(tree.onDidChange(() => this.schedule()));
    this.register({ dispose: () => clearTimeout(this.timer) });
    this.render();
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  /** Counts change with every event; the text needs no more than a few updates a second. */
  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, 200);
  }

  private render(): void {
    const connection = this.model.connection;
    if (connection.kind !== 'connected' && !this.model.hasSnapshot) {
      this.item.text = connection.kind === 'connecting' ? '$(sync~spin) Agent Tracker' : '$(debug-disconnect) Agent Tracker: offline';
      this.item.tooltip = connection.kind === 'disconnected' ? `Daemon unreachable: ${connection.reason}` : 'Connecting to the daemon…';
      this.item.backgroundColor = undefined;
      return;
    }
    const active = this.tree.unfilteredTotal('active');
    const stuck = this.tree.unfilteredTotal('stuck');
    const needs = this.tree.unfilteredTotal('needs');
    const offline = connection.kind !== 'connected';
    this.item.text =
      `${offline ? '$(debug-disconnect)' : '$(pulse)'} ${active} active` +
      `${needs ? `  $(bell-dot) ${needs} need${needs === 1 ? 's' : ''} you` : ''}${stuck ? `  $(warning) ${stuck} stuck` : ''}`;
    this.item.tooltip = offline
      ? `Agent Tracker: offline (${connection.kind === 'disconnected' ? connection.reason : 'reconnecting'}); last known state`
      : `Agent Tracker: ${active} active, ${needs} waiting for you, ${stuck} stuck. Click to show the tasks.`;
    this.item.backgroundColor = stuck || needs ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }
}
