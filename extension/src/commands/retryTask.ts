/** Retry Task: a failed task goes back to pending (the daemon enforces maxAttempts). */
import * as vscode from 'vscode';
import { iconSafeText, notificationText } from '../model/plainText.js';
import { oneLine } from '../model/plainWords.js';
import { isRunTask } from '../model/taskPageView.js';
import type { Task } from '../model/protocol.js';
import type { CommandContext } from './commandContext.js';
import { taskIdOf } from './commandArgs.js';
import { pickTask } from './prompts.js';

export async function retryTask(ctx: CommandContext, arg?: unknown): Promise<Task> {
  const client = ctx.connection.requireClient();
  const taskId = taskIdOf(arg) ?? (await pickTask(ctx, 'Select the failed task to retry', (t) => t.state === 'failed')).id;
  ctx.ownActions.mark([taskId]);
  const task = await client.transition(taskId, { to: 'pending', reason: 'retry requested from VS Code' });
  if (isRunTask(task)) {
    // Nothing is waiting to pick such a task up: say so rather than let the user wait for a re-run that never comes.
    void vscode.window.showWarningMessage(
      `"${notificationText(oneLine(task.title, 80))}" is pending again, but it ran a command through agent-tracker run: nothing re-runs that command. Run it again in a terminal.`,
    );
  } else {
    vscode.window.setStatusBarMessage(`$(check) "${iconSafeText(oneLine(task.title, 80))}" is pending again`, 4000);
  }
  return task;
}
