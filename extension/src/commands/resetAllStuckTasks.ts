/** Reset All Stuck Tasks: one operator action over every task the daemon flags as stuck. */
import * as vscode from 'vscode';
import type { Task } from '../model/protocol.js';
import type { CommandContext } from './commandContext.js';
import { optionsOf } from './commandArgs.js';
import { askReason, askResetTarget, confirm } from './prompts.js';

export async function resetAllStuckTasks(ctx: CommandContext, options?: unknown): Promise<Task[]> {
  const client = ctx.connection.requireClient();
  const opts = optionsOf(options);
  const stuck = [...ctx.model.tasks()].filter((t) => t.stuck && (!opts.agentId || t.agentId === opts.agentId)).length;
  const to = await askResetTarget(opts.to);
  const reason = await askReason(opts.reason, `Why reset every stuck task to ${to}?`);
  await confirm(opts.confirmed, `Reset ${stuck} stuck task${stuck === 1 ? '' : 's'} to ${to}?`, 'Reset All', `Reason: ${reason}`);
  const { tasks } = await client.resetStuck({ to, reason, agentId: opts.agentId });
  void vscode.window.showInformationMessage(`Reset ${tasks.length} stuck task${tasks.length === 1 ? '' : 's'} to ${to}.`);
  return tasks;
}
