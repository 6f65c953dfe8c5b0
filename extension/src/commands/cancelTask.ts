/**
 * Cancel Task: stops a task for good. Where the state machine allows `cancelled` it is a transition; from review or
 * approved (which have no such edge) it is an operator reset, which records who and why.
 */
import * as vscode from 'vscode';
import { iconSafeText, notificationText } from '../model/plainText.js';
import { oneLine } from '../model/plainWords.js';
import { canTransition, isFinished, type Task } from '../model/protocol.js';
import type { CommandContext } from './commandContext.js';
import { optionsOf, taskIdOf } from './commandArgs.js';
import { confirm, pickTask } from './prompts.js';

export async function cancelTask(ctx: CommandContext, arg?: unknown, options?: unknown): Promise<Task> {
  const client = ctx.connection.requireClient();
  const opts = optionsOf(options);
  const taskId = taskIdOf(arg) ?? (await pickTask(ctx, 'Select the task to cancel', (t) => !isFinished(t.state))).id;
  const current = ctx.model.getTask(taskId) ?? (await client.getTask(taskId));
  await confirm(opts.confirmed, `Cancel task "${notificationText(oneLine(current.title, 120))}"?`, 'Cancel Task', 'The agent working on it is told to stop.');
  const reason = opts.reason ?? 'cancelled from VS Code';
  ctx.ownActions.mark([taskId]);
  const task = canTransition(current.state, 'cancelled')
    ? await client.transition(taskId, { to: 'cancelled', reason })
    : await client.resetTask(taskId, { to: 'cancelled', reason });
  vscode.window.setStatusBarMessage(`Task "${iconSafeText(oneLine(task.title, 80))}" cancelled.`, 4000);
  return task;
}
