/** Reset All Stuck Tasks: one operator action over every task the daemon flags as stuck. */
import * as vscode from 'vscode';
import { counted } from '../model/plainWords.js';
import type { ResetTarget, Task } from '../model/protocol.js';
import type { CommandContext } from './commandContext.js';
import { optionsOf } from './commandArgs.js';
import { confirm, reasonStep, resetTargetStep, runSteps } from './prompts.js';

export async function resetAllStuckTasks(ctx: CommandContext, options?: unknown): Promise<Task[]> {
  const client = ctx.connection.requireClient();
  const opts = optionsOf(options);
  const stuck = [...ctx.model.tasks()].filter((t) => t.stuck && (!opts.agentId || t.agentId === opts.agentId));
  const [target, why] = await runSteps('Reset All Stuck Tasks', [
    opts.to ? undefined : resetTargetStep(),
    opts.reason ? undefined : reasonStep('Why reset every stuck task? (recorded in each task history)'),
  ]);
  const to = opts.to ?? (target as ResetTarget);
  const reason = opts.reason ?? (why as string);
  await confirm(opts.confirmed, `Reset ${counted(stuck.length, 'stuck task')} to ${to}?`, 'Reset All', `Reason: ${reason}`);
  ctx.ownActions.mark(stuck.map((t) => t.id));
  const { tasks } = await client.resetStuck({ to, reason, agentId: opts.agentId });
  vscode.window.setStatusBarMessage(`Reset ${counted(tasks.length, 'stuck task')} to ${to}.`, 4000);
  return tasks;
}
