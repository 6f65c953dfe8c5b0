/**
 * A notification when a budget crosses a line while the window watches: `budget.exceeded` under every setting but
 * `none` (an exceeded budget may be stopping agents' prompts: the user needs to know even in needs-you-only mode), and
 * `budget.warning` (80 %) only under `all`. Each crossing is announced once: the daemon raises it once per period.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { NotificationLevel } from '../config.js';
import type { BudgetCrossing, BudgetWatch } from '../model/budgetWatch.js';
import { crossingText } from '../model/budgetWords.js';
import { notificationText } from '../model/plainText.js';

export interface ShownBudgetNotification {
  type: BudgetCrossing['type'];
  budgetId: string;
  message: string;
  actions: string[];
}

export function wantsBudget(level: NotificationLevel, type: BudgetCrossing['type']): boolean {
  if (level === 'none') return false;
  return type === 'budget.exceeded' || level === 'all';
}

export class BudgetNotifier extends Disposable {
  private readonly shownEmitter = this.register(new vscode.EventEmitter<ShownBudgetNotification>());
  /** Every budget notification shown (tests follow it; the toast itself cannot be read back). */
  readonly onDidShow = this.shownEmitter.event;

  constructor(
    watch: BudgetWatch,
    private readonly level: () => NotificationLevel,
  ) {
    super();
    this.register(watch.onDidCross((crossing) => this.show(crossing)));
  }

  private show({ type, budget }: BudgetCrossing): void {
    if (!wantsBudget(this.level(), type)) return;
    const message = notificationText(crossingText(type, budget));
    const actions = ['Show Dashboard'];
    this.shownEmitter.fire({ type, budgetId: budget.id, message, actions });
    const shown = type === 'budget.exceeded' ? vscode.window.showErrorMessage(message, ...actions) : vscode.window.showWarningMessage(message, ...actions);
    void shown.then((choice) => choice && vscode.commands.executeCommand('agentTracker.showDashboard'));
  }
}
