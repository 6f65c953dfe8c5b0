/** Reset Stuck Task: the operator's way out of a stuck state; asks the target state and a reason. */
import * as vscode from 'vscode';
import type { Task } from '../model/protocol.js';
import type { CommandContext } from './commandContext.js';
import { optionsOf, taskIdOf } from './commandArgs.js';
import { askReason, askResetTarget, pickTask } from './prompts.js';

export async function resetStuckTask(ctx: CommandContext, arg?: unknown, options?: unknown): Promise<Task> {
  const client = ctx.connection.requireClient();
  const opts = optionsOf(options);
  const isStuck = (task: Task): boolean => task.stuck !== null || ctx.taskTree.isPossiblyStuck(task);
  const taskId = taskIdOf(arg) ?? (await pickTask(ctx, 'Select the stuck task to reset', isStuck)).id;
  const to = await askResetTarget(opts.to);
  const reason = await askReason(opts.reason, `Why reset ${taskId} to ${to}?`);
  const task = await client.resetTask(taskId, { to, reason });
  void vscode.window.showInformationMessage(`Task "${task.title}" reset to ${to}.`);
  return task;
}
