/** Reset Stuck Task: the operator's way out of a stuck state; asks (as numbered steps) the task, the target and why. */
import * as vscode from 'vscode';
import { iconSafeText } from '../model/plainText.js';
import { oneLine } from '../model/plainWords.js';
import type { ResetTarget, Task } from '../model/protocol.js';
import type { CommandContext } from './commandContext.js';
import { optionsOf, taskIdOf } from './commandArgs.js';
import { reasonStep, resetTargetStep, runSteps, taskStep } from './prompts.js';

export async function resetStuckTask(ctx: CommandContext, arg?: unknown, options?: unknown): Promise<Task> {
  const client = ctx.connection.requireClient();
  const opts = optionsOf(options);
  const isStuck = (task: Task): boolean => task.stuck !== null || ctx.taskTree.isPossiblyStuck(task);
  const given = taskIdOf(arg);
  const [picked, target, why] = await runSteps('Reset Stuck Task', [
    given ? undefined : taskStep(ctx, 'Select the stuck task to reset', isStuck),
    opts.to ? undefined : resetTargetStep(),
    opts.reason ? undefined : reasonStep('Why reset it? (recorded in the task history)'),
  ]);
  const taskId = given ?? (picked as Task).id;
  const to = opts.to ?? (target as ResetTarget);
  const reason = opts.reason ?? (why as string);
  ctx.ownActions.mark([taskId]);
  const task = await client.resetTask(taskId, { to, reason });
  vscode.window.setStatusBarMessage(`Task "${iconSafeText(oneLine(task.title, 80))}" reset to ${to}.`, 4000);
  return task;
}
