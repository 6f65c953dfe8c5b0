/** Notifications for failed and newly stuck tasks, as `agentTracker.notifications` allows, with Show and Reset actions. */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { NotificationLevel } from '../config.js';
import type { TaskAlert, TrackerModel } from '../model/trackerModel.js';

/** More alerts than this in one batch become one summary, so a mass failure does not bury the window. */
const MAX_SEPARATE = 3;

export interface ShownNotification {
  kind: TaskAlert['kind'] | 'summary';
  taskIds: string[];
  message: string;
}

export class TaskNotifier extends Disposable {
  private readonly shownEmitter = this.register(new vscode.EventEmitter<ShownNotification>());
  /** Every notification shown (tests follow it; the toast itself cannot be read back). */
  readonly onDidShow = this.shownEmitter.event;

  constructor(
    private readonly model: TrackerModel,
    private readonly level: () => NotificationLevel,
  ) {
    super();
    this.register(model.onDidChange((change) => change.alerts.length && this.notify(change.alerts)));
  }

  private notify(alerts: readonly TaskAlert[]): void {
    const level = this.level();
    const wanted = alerts.filter((a) => level === 'all' || (level === 'failures' && a.kind === 'failed'));
    if (wanted.length > MAX_SEPARATE) {
      const failed = wanted.filter((a) => a.kind === 'failed').length;
      const message = `Agent Tracker: ${failed} tasks failed, ${wanted.length - failed} became stuck.`;
      this.shownEmitter.fire({ kind: 'summary', taskIds: wanted.map((a) => a.taskId), message });
      void vscode.window.showWarningMessage(message, 'Show').then((choice) => {
        if (choice) void vscode.commands.executeCommand('agentTracker.tasks.focus');
      });
      return;
    }
    for (const alert of wanted) void this.notifyOne(alert);
  }

  private async notifyOne(alert: TaskAlert): Promise<void> {
    const task = this.model.getTask(alert.taskId);
    if (!task) return;
    const failed = alert.kind === 'failed';
    const detail = failed ? (task.lastError ? `: ${task.lastError.message.slice(0, 200)}` : '') : ` (${task.stuck?.reason ?? 'no progress'})`;
    const message = `Task "${task.title}" ${failed ? 'failed' : 'is stuck'}${detail}`;
    const actions = failed ? ['Show', 'Retry'] : ['Show', 'Reset'];
    const show = failed ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    this.shownEmitter.fire({ kind: alert.kind, taskIds: [task.id], message });
    const choice = await show(message, ...actions);
    if (choice === 'Show') await vscode.commands.executeCommand('agentTracker.showTaskDetails', task.id);
    if (choice === 'Retry') await vscode.commands.executeCommand('agentTracker.retryTask', task.id);
    if (choice === 'Reset') await vscode.commands.executeCommand('agentTracker.resetStuckTask', task.id);
  }
}
