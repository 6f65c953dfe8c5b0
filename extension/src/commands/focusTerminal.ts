/**
 * Focus Terminal: shows the VS Code terminal an agent runs in (its process descends from the terminal's shell), from
 * an agent row, a task row (its agent) or the task page. When the agent runs elsewhere, says so.
 */
import * as vscode from 'vscode';
import { agentLabel, oneLine } from '../model/plainWords.js';
import { notificationText } from '../model/plainText.js';
import { terminalOfAgent } from '../views/agentTerminal.js';
import { agentIdOf, taskIdOf } from './commandArgs.js';
import type { CommandContext } from './commandContext.js';
import { Cancelled, agentStep } from './prompts.js';

/** The agent a command argument names: an agent node or id, or a task node or id (its agent). */
export function agentOfArg(ctx: CommandContext, arg: unknown): string | undefined {
  if (arg && typeof arg === 'object' && 'agentId' in arg) return agentIdOf(arg);
  const taskId = taskIdOf(arg);
  if (taskId === undefined) return undefined;
  const task = ctx.model.getTask(taskId);
  // A bare id that is no task's is an agent's.
  return task ? (task.agentId ?? undefined) : typeof arg === 'string' && ctx.model.getAgent(arg) ? arg : undefined;
}

export async function focusTerminal(ctx: CommandContext, arg?: unknown): Promise<vscode.Terminal | undefined> {
  let agentId = agentOfArg(ctx, arg);
  if (agentId === undefined && arg === undefined) {
    agentId = (await agentStep(ctx, 'Select the agent whose terminal to show')({ title: 'Focus Terminal', step: 1, totalSteps: 1 })) as string;
  }
  if (agentId === undefined) throw new Cancelled();
  const terminal = await terminalOfAgent(ctx.model.getAgent(agentId));
  if (terminal) {
    terminal.show(false);
    return terminal;
  }
  const name = oneLine(agentLabel(agentId, (id) => ctx.model.getAgent(id)), 80);
  void vscode.window.showInformationMessage(notificationText(`${name} does not run in a terminal of this VS Code window.`));
  return undefined;
}
