/** Copy Task ID: for pasting into a terminal (`agent-tracker task show <id>`) or a bug report. */
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext.js';
import { taskIdOf } from './commandArgs.js';
import { pickTask } from './prompts.js';

export async function copyTaskId(ctx: CommandContext, arg?: unknown): Promise<string> {
  const taskId = taskIdOf(arg) ?? (await pickTask(ctx, 'Select the task whose id to copy', () => true)).id;
  await vscode.env.clipboard.writeText(taskId);
  vscode.window.setStatusBarMessage(`Copied ${taskId}`, 3000);
  return taskId;
}
