/**
 * Go to Next Waiting Agent: focuses the terminal of the next agent that waits for the user (in the Agents view's
 * order, round after round), or the page of its waiting task when it has no terminal here; tasks that wait with no
 * agent come after.
 */
import * as vscode from 'vscode';
import { needsInputOf } from '../model/plainWords.js';
import type { Task } from '../model/protocol.js';
import { terminalOfAgent } from '../views/agentTerminal.js';
import type { CommandContext } from './commandContext.js';
import { showTaskDetails } from './showTaskDetails.js';

export interface WaitingTarget {
  taskId: string;
  agentId: string | null;
  /** Where the command went: the agent's terminal, or the task's page. */
  shown: 'terminal' | 'page';
}

/** The key of the last target, so the next call goes on to the one after it. */
let lastKey: string | undefined;

export function waitingTargets(ctx: CommandContext): { key: string; task: Task }[] {
  const out: { key: string; task: Task }[] = [];
  const seen = new Set<string>();
  for (const agentId of ctx.agentTree.waitingAgents()) {
    for (const id of ctx.agentTree.tasksOf(agentId)) {
      const task = ctx.model.getTask(id);
      if (task && needsInputOf(task)) {
        out.push({ key: `agent/${agentId}`, task });
        seen.add(task.id);
        break;
      }
    }
  }
  for (const id of ctx.taskTree.groupChildren('needs')) {
    const task = ctx.model.getTask(id);
    if (task && !seen.has(id) && !(task.agentId && ctx.agentTree.waitingAgents().includes(task.agentId))) out.push({ key: `task/${id}`, task });
  }
  return out;
}

export async function nextWaiting(ctx: CommandContext): Promise<WaitingTarget | undefined> {
  const targets = waitingTargets(ctx);
  if (!targets.length) {
    vscode.window.setStatusBarMessage('$(check) No agent is waiting for you', 3000);
    lastKey = undefined;
    return undefined;
  }
  const at = targets.findIndex((t) => t.key === lastKey);
  const next = targets[(at + 1) % targets.length] as (typeof targets)[number];
  lastKey = next.key;
  const { task } = next;
  const terminal = task.agentId ? await terminalOfAgent(ctx.model.getAgent(task.agentId)) : undefined;
  if (terminal) {
    terminal.show(false);
    return { taskId: task.id, agentId: task.agentId, shown: 'terminal' };
  }
  await showTaskDetails(ctx, task.id);
  return { taskId: task.id, agentId: task.agentId, shown: 'page' };
}
