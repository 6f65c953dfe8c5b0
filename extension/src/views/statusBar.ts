/** The status bar item: active and stuck counts (warning background when something is stuck), or offline. */
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
    const active = this.tree.groupTotal('active');
    const stuck = this.tree.groupTotal('stuck');
    const offline = connection.kind !== 'connected';
    this.item.text = `${offline ? '$(debug-disconnect)' : '$(pulse)'} ${active} active${stuck ? `  $(warning) ${stuck} stuck` : ''}`;
    this.item.tooltip = offline
      ? `Agent Tracker: offline (${connection.kind === 'disconnected' ? connection.reason : 'reconnecting'}); last known state`
      : `Agent Tracker: ${active} active, ${stuck} stuck — click to show the tasks`;
    this.item.backgroundColor = stuck ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }
}
