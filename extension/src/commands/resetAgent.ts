/** Reset Agent: sends every open task of an agent (a crashed one, typically) to the chosen state. */
import * as vscode from 'vscode';
import type { Agent, Task } from '../model/protocol.js';
import type { CommandContext } from './commandContext.js';
import { agentIdOf, optionsOf } from './commandArgs.js';
import { askReason, askResetTarget, confirm, pickAgent } from './prompts.js';

export async function resetAgent(ctx: CommandContext, arg?: unknown, options?: unknown): Promise<{ agent: Agent; tasks: Task[] }> {
  const client = ctx.connection.requireClient();
  const opts = optionsOf(options);
  const agentId = agentIdOf(arg) ?? (await pickAgent(ctx, 'Select the agent to reset'));
  const to = await askResetTarget(opts.to);
  const reason = await askReason(opts.reason, `Why reset agent ${agentId}?`);
  await confirm(opts.confirmed, `Reset agent ${agentId} and move its open tasks to ${to}?`, 'Reset Agent', `Reason: ${reason}`);
  const result = await client.resetAgent(agentId, { to, reason });
  void vscode.window.showInformationMessage(`Agent ${agentId} reset; ${result.tasks.length} task(s) moved to ${to}.`);
  return result;
}
