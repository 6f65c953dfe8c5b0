/** Retry Task: a failed task goes back to pending (the daemon enforces maxAttempts). */
import * as vscode from 'vscode';
import type { Task } from '../model/protocol.js';
import type { CommandContext } from './commandContext.js';
import { taskIdOf } from './commandArgs.js';
import { pickTask } from './prompts.js';

export async function retryTask(ctx: CommandContext, arg?: unknown): Promise<Task> {
  const client = ctx.connection.requireClient();
  const taskId = taskIdOf(arg) ?? (await pickTask(ctx, 'Select the failed task to retry', (t) => t.state === 'failed')).id;
  const task = await client.transition(taskId, { to: 'pending', reason: 'retry requested from VS Code' });
  void vscode.window.showInformationMessage(`Task "${task.title}" is pending again.`);
  return task;
}
