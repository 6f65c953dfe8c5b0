/**
 * The status bar item: active, needs-you and stuck counts of every open task, whatever the Tasks view's filter (so they
 * agree with the unfiltered group counts), with a warning background when something needs the user; spend against
 * the tightest budget when there are budgets (warning background past 80 %, error background once exceeded); or
 * offline; or, in team mode, that the daemon lost its database.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { BudgetWatch } from '../model/budgetWatch.js';
import { budgetDetail, budgetShortText, tightestBudget } from '../model/budgetWords.js';
import { iconSafeText } from '../model/plainText.js';
import type { TaskTree } from '../model/taskTree.js';
import type { TrackerModel } from '../model/trackerModel.js';

export class TrackerStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('agentTracker.status', vscode.StatusBarAlignment.Left, 50));
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly model: TrackerModel,
    private readonly tree: TaskTree,
    private readonly budgets: BudgetWatch,
  ) {
    super();
    this.item.name = 'Agent Tracker';
    this.item.command = 'agentTracker.tasks.focus';
    this.register(model.onDidChangeConnection(() => this.schedule()));
    this.register(tree.onDidChange(() => this.schedule()));
    this.register(budgets.onDidChange(() => this.schedule()));
    this.register({ dispose: () => clearTimeout(this.timer) });
    this.render();
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  /** The theme colour of the background, if any (tests read it; the item's colour cannot be read back otherwise). */
  get background(): string | undefined {
    return this.item.backgroundColor instanceof vscode.ThemeColor ? this.item.backgroundColor.id : undefined;
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
    // Offline, counts would be the last known ones, not the truth: none are shown.
    if (connection.kind !== 'connected') {
      const offline = connection.kind === 'disconnected' || this.model.hasSnapshot;
      this.item.text = offline ? '$(debug-disconnect) Agent Tracker: offline' : '$(sync~spin) Agent Tracker';
      this.item.tooltip = offline
        ? `Agent Tracker: the daemon does not answer${connection.kind === 'disconnected' ? ` (${connection.reason})` : ''}. Click to start it.`
        : 'Connecting to the daemon…';
      this.item.command = offline ? 'agentTracker.startDaemon' : 'agentTracker.tasks.focus';
      this.item.backgroundColor = undefined;
      return;
    }
    this.item.command = 'agentTracker.tasks.focus';
    const { active, stuck, needs } = this.tree.counts();
    const storeProblem = connection.storeProblem;
    const budget = tightestBudget(this.budgets.budgets);
    this.item.text =
      `${storeProblem ? '$(database) database lost:' : '$(pulse)'} ${active} active` +
      `${needs ? `  $(bell-dot) ${needs} need${needs === 1 ? 's' : ''} you` : ''}${stuck ? `  $(warning) ${stuck} stuck` : ''}` +
      `${budget ? `  $(credit-card) ${iconSafeText(budgetShortText(budget))}` : ''}`;
    this.item.tooltip = storeProblem
      ? `Agent Tracker: the daemon lost its database (${storeProblem}); writes fail until it is back, and what is shown may be behind.`
      : `Agent Tracker: ${active} active, ${needs} waiting for you, ${stuck} stuck. Click to show the tasks.${budget ? `\n${budgetDetail(budget)}` : ''}`;
    this.item.backgroundColor =
      storeProblem || budget?.state === 'exceeded'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : stuck || needs || budget?.state === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }
}
