/**
 * Notifications, as `agentTracker.notifications` allows: a task that failed, became stuck, or waits for the user. One per
 * task: a task that already has one open gets no second; once it recovers its notification is withdrawn (forgotten, and
 * its buttons say so if still pressed). None for what the user just did in this window (OwnActions). Failures
 * are warnings, not errors: error toasts with buttons stay until dismissed, which every round of a retrying task piles up.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { NotificationLevel } from '../config.js';
import type { OwnActions } from '../model/ownActions.js';
import { iconSafeText, notificationText } from '../model/plainText.js';
import { agentLabel, counted, needsInputOf, needsInputText, oneLine, stuckReasonText } from '../model/plainWords.js';
import type { Task } from '../model/protocol.js';
import type { ModelChange, TaskAlert, TrackerModel } from '../model/trackerModel.js';
import { terminalOfAgent } from './agentTerminal.js';

/** More alerts than this within BATCH_MS become one summary, so a mass failure does not bury the window. */
const MAX_SEPARATE = 3;
/** Alerts are gathered this long before they are shown: one import arrives as several batches of events. */
const BATCH_MS = 300;

export interface ShownNotification {
  /** `daemon`: the daemon stopped unexpectedly and a new one was started. */
  kind: TaskAlert['kind'] | 'summary' | 'daemon';
  taskIds: string[];
  message: string;
  actions: string[];
}

export class TaskNotifier extends Disposable {
  /** Tasks with a notification the user has not answered, and what it was about. */
  private readonly open = new Map<string, TaskAlert['kind']>();
  private readonly batch = new Map<string, TaskAlert>();
  private batchTimer: NodeJS.Timeout | undefined;
  private readonly shownEmitter = this.register(new vscode.EventEmitter<ShownNotification>());
  /** Every notification shown (tests follow it; the toast itself cannot be read back). */
  readonly onDidShow = this.shownEmitter.event;
  private readonly withdrawnEmitter = this.register(new vscode.EventEmitter<string>());
  readonly onDidWithdraw = this.withdrawnEmitter.event;

  constructor(
    private readonly model: TrackerModel,
    private readonly level: () => NotificationLevel,
    private readonly own: OwnActions,
  ) {
    super();
    this.register(model.onDidChange((change) => this.onChange(change)));
    this.register({ dispose: () => clearTimeout(this.batchTimer) });
  }

  /**
   * The daemon this window was connected to is gone without being stopped (it crashed or was killed) and a new one was
   * started: one notice, with its log one click away, unless notifications are off.
   */
  daemonRestarted(): void {
    if (this.level() === 'none') return;
    const message = 'Agent Tracker: the daemon stopped unexpectedly and was restarted.';
    const action = 'Show Daemon Log';
    this.shownEmitter.fire({ kind: 'daemon', taskIds: [], message, actions: [action] });
    void vscode.window.showWarningMessage(message, action).then((choice) => choice && vscode.commands.executeCommand('agentTracker.showDaemonLog'));
  }

  /** Tasks that have a notification open now. */
  get openTaskIds(): string[] {
    return [...this.open.keys()];
  }

  private onChange(change: ModelChange): void {
    for (const [taskId, kind] of this.open) {
      if (change.reset || change.tasks.has(taskId)) {
        const task = this.model.getTask(taskId);
        if (!task || !stillHolds(kind, task)) {
          this.open.delete(taskId);
          this.withdrawnEmitter.fire(taskId);
        }
      }
    }
    if (change.alerts.length) this.notify(change.alerts);
  }

  private notify(alerts: readonly TaskAlert[]): void {
    const level = this.level();
    const wanted = alerts.filter((a) => wants(level, a.kind) && this.open.get(a.taskId) !== a.kind && !this.own.isOwn(a.taskId));
    // Alerts of one batch that are not already summarised wait for the next tick: an import arrives as many batches.
    for (const alert of wanted) this.batch.set(alert.taskId, alert);
    if (wanted.length) this.batchTimer ??= setTimeout(() => this.flushBatch(), BATCH_MS);
  }

  private flushBatch(): void {
    this.batchTimer = undefined;
    const wanted = [...this.batch.values()].filter((a) => {
      const task = this.model.getTask(a.taskId);
      return task !== undefined && stillHolds(a.kind, task);
    });
    this.batch.clear();
    if (wanted.length > MAX_SEPARATE) {
      const message = summaryText(wanted);
      for (const alert of wanted) this.open.set(alert.taskId, alert.kind);
      this.shownEmitter.fire({ kind: 'summary', taskIds: wanted.map((a) => a.taskId), message, actions: ['Show'] });
      // Failures are finished tasks, which History lists; the rest wait in the Tasks view.
      const where = wanted.every((a) => a.kind === 'failed') ? 'agentTracker.history.focus' : 'agentTracker.tasks.focus';
      void vscode.window.showWarningMessage(message, 'Show').then((choice) => {
        for (const alert of wanted) this.open.delete(alert.taskId);
        if (choice) void vscode.commands.executeCommand(where);
      });
      return;
    }
    for (const alert of wanted) void this.notifyOne(alert);
  }

  private async notifyOne(alert: TaskAlert): Promise<void> {
    const task = this.model.getTask(alert.taskId);
    if (!task || !stillHolds(alert.kind, task)) return;
    this.open.set(task.id, alert.kind);
    const title = `"${oneLine(task.title, 80)}"`;
    const agent = agentLabel(task.agentId, (id) => this.model.getAgent(id)) || 'An agent';
    let message: string;
    const actions = ['Show'];
    let terminal: vscode.Terminal | undefined;
    if (alert.kind === 'needsInput') {
      const needs = needsInputOf(task);
      message = `${oneLine(agent, 60)} is ${needs ? needsInputText(needs, 160) : 'waiting for you'} (${title})`;
      terminal = await terminalOfAgent(task.agentId ? this.model.getAgent(task.agentId) : undefined);
      // An approval is answered right here; Show then waits on the task page, one click further.
      if (needs?.approvalId) actions.splice(0, actions.length, needs.kind === 'question' ? 'Answer…' : 'Allow', 'Deny…');
      if (terminal) actions.push('Focus Terminal');
      else if (needs?.approvalId) actions.push('Show');
    } else if (alert.kind === 'failed') {
      message = `Task ${title} failed${task.lastError ? `: ${oneLine(task.lastError.message, 200)}` : ''}`;
      actions.push('Retry');
    } else {
      message = `Task ${title} is stuck: ${task.stuck ? stuckReasonText(task.stuck.reason) : 'no progress'}`;
      actions.push('Reset');
    }
    message = notificationText(message);
    this.shownEmitter.fire({ kind: alert.kind, taskIds: [task.id], message, actions });
    const choice = await vscode.window.showWarningMessage(message, ...actions);
    if (choice === 'Focus Terminal' && terminal) {
      this.open.delete(task.id);
      terminal.show(false);
      return;
    }
    await this.act(task.id, alert.kind, choice, title);
  }

  /** What a button of a task's notification does (also what tests press: a toast cannot be clicked from the host). */
  async act(taskId: string, kind: TaskAlert['kind'], choice: string | undefined, title = ''): Promise<unknown> {
    const stillOpen = this.open.get(taskId) === kind;
    if (stillOpen) this.open.delete(taskId);
    if (choice === 'Show') await vscode.commands.executeCommand('agentTracker.showTaskDetails', taskId);
    if (choice === 'Focus Terminal') await vscode.commands.executeCommand('agentTracker.focusTerminal', taskId);
    // Answered elsewhere meanwhile: the commands say so and change nothing (the first answer wins).
    if (choice === 'Allow' || choice === 'Answer…') return vscode.commands.executeCommand('agentTracker.approve', taskId);
    if (choice === 'Deny…') return vscode.commands.executeCommand('agentTracker.deny', taskId);
    if (choice === 'Retry' || choice === 'Reset') {
      if (!stillOpen) {
        vscode.window.setStatusBarMessage(`${iconSafeText(title)} has recovered meanwhile: nothing to do`, 4000);
        return undefined;
      }
      return vscode.commands.executeCommand(choice === 'Retry' ? 'agentTracker.retryTask' : 'agentTracker.resetStuckTask', taskId);
    }
    return undefined;
  }
}

/** Which alerts a level of the `notifications` setting lets through. */
export function wants(level: NotificationLevel, kind: TaskAlert['kind']): boolean {
  if (level === 'all') return true;
  if (level === 'needsYou') return kind === 'needsInput';
  if (level === 'failures') return kind === 'failed';
  return false;
}

/** "Agent Tracker: 12 tasks need attention (10 failed, 2 waiting for you)." Counts of zero are left out. */
export function summaryText(alerts: readonly TaskAlert[]): string {
  const count = (kind: TaskAlert['kind']): number => alerts.filter((a) => a.kind === kind).length;
  const parts = ([['failed', 'failed'], ['stuck', 'stuck'], ['needsInput', 'waiting for you']] as const)
    .map(([kind, words]) => [count(kind), words] as const)
    .filter(([n]) => n > 0)
    .map(([n, words]) => `${n} ${words}`);
  return `Agent Tracker: ${counted(alerts.length, 'task')} need${alerts.length === 1 ? 's' : ''} attention (${parts.join(', ')}).`;
}

/** Whether what a notification said is still true of the task. */
function stillHolds(kind: TaskAlert['kind'], task: Task): boolean {
  if (kind === 'failed') return task.state === 'failed';
  if (kind === 'stuck') return task.stuck !== null;
  return needsInputOf(task) !== null;
}
