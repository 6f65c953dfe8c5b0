/** Reset Agent: sends every open task of an agent (a crashed one, typically) to the chosen state. */
import * as vscode from 'vscode';
import { iconSafeText, notificationText } from '../model/plainText.js';
import { agentLabel, counted, oneLine } from '../model/plainWords.js';
import type { Agent, ResetTarget, Task } from '../model/protocol.js';
import type { CommandContext } from './commandContext.js';
import { agentIdOf, optionsOf } from './commandArgs.js';
import { agentStep, confirm, reasonStep, resetTargetStep, runSteps } from './prompts.js';

export async function resetAgent(ctx: CommandContext, arg?: unknown, options?: unknown): Promise<{ agent: Agent; tasks: Task[] }> {
  const client = ctx.connection.requireClient();
  const opts = optionsOf(options);
  const given = agentIdOf(arg);
  const [picked, target, why] = await runSteps('Reset Agent', [
    given ? undefined : agentStep(ctx, 'Select the agent to reset'),
    opts.to ? undefined : resetTargetStep(),
    opts.reason ? undefined : reasonStep('Why reset the agent? (recorded in the history of its tasks)'),
  ]);
  const agentId = given ?? (picked as string);
  const to = opts.to ?? (target as ResetTarget);
  const reason = opts.reason ?? (why as string);
  const name = oneLine(agentLabel(agentId, (id) => ctx.model.getAgent(id)), 80);
  await confirm(opts.confirmed, `Reset agent ${notificationText(name)} and move its open tasks to ${to}?`, 'Reset Agent', `Reason: ${reason}`);
  ctx.ownActions.mark([...ctx.model.tasks()].filter((t) => t.agentId === agentId).map((t) => t.id));
  const result = await client.resetAgent(agentId, { to, reason });
  vscode.window.setStatusBarMessage(`Agent ${iconSafeText(name)} reset; ${counted(result.tasks.length, 'task')} moved to ${to}.`, 4000);
  return result;
}
