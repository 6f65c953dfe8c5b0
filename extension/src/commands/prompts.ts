/** The questions commands ask: which task or agent, which reset target, why, and "are you sure". */
import * as vscode from 'vscode';
import { formatAgo } from '../model/format.js';
import { RESET_TARGETS, type ResetTarget, type Task } from '../model/protocol.js';
import { compareTasks } from '../model/taskTree.js';
import type { CommandContext } from './commandContext.js';

/** Thrown when the user dismisses a question: the command stops quietly. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export async function pickTask(ctx: CommandContext, placeHolder: string, accept: (task: Task) => boolean): Promise<Task> {
  const candidates = [...ctx.model.tasks()].filter(accept).sort(compareTasks);
  if (!candidates.length) {
    void vscode.window.showInformationMessage(`Agent Tracker: no task to choose from (${placeHolder.toLowerCase()}).`);
    throw new Cancelled();
  }
  const now = Date.now();
  const picked = await vscode.window.showQuickPick(
    candidates.map((task) => ({
      label: task.title,
      description: `${task.state}${task.stuck ? ' · stuck' : ''}${task.agentId ? ` · ${task.agentId}` : ''}`,
      detail: `${task.id} · updated ${formatAgo(task.updatedAt, now)}`,
      task,
    })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  if (!picked) throw new Cancelled();
  return picked.task;
}

export async function pickAgent(ctx: CommandContext, placeHolder: string): Promise<string> {
  const agents = [...ctx.model.agents()].sort((a, b) => a.name.localeCompare(b.name));
  if (!agents.length) {
    void vscode.window.showInformationMessage('Agent Tracker: no agent has reported yet.');
    throw new Cancelled();
  }
  const picked = await vscode.window.showQuickPick(
    agents.map((agent) => ({ label: agent.name || agent.id, description: `${agent.id} · ${agent.status}`, id: agent.id })),
    { placeHolder },
  );
  if (!picked) throw new Cancelled();
  return picked.id;
}

const TARGET_HELP: Readonly<Record<ResetTarget, string>> = {
  pending: 'Back to the queue: any agent may pick it up again',
  failed: 'Mark it failed (it can be retried later)',
  cancelled: 'Give up on it for good',
};

export async function askResetTarget(given?: ResetTarget): Promise<ResetTarget> {
  if (given) return given;
  const picked = await vscode.window.showQuickPick(
    RESET_TARGETS.map((to) => ({ label: to, detail: TARGET_HELP[to], to })),
    { placeHolder: 'Reset to which state?' },
  );
  if (!picked) throw new Cancelled();
  return picked.to;
}

export async function askReason(given: string | undefined, prompt: string): Promise<string> {
  if (given) return given;
  const reason = await vscode.window.showInputBox({
    prompt,
    placeHolder: 'Reason (recorded in the task history)',
    validateInput: (value) => (value.trim() ? undefined : 'A reason is required'),
  });
  if (!reason?.trim()) throw new Cancelled();
  return reason.trim();
}

/** A modal confirmation for destructive actions; `confirmed` skips it (the caller already asked). */
export async function confirm(confirmed: boolean | undefined, message: string, action: string, detail?: string): Promise<void> {
  if (confirmed) return;
  const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
  if (answer !== action) throw new Cancelled();
}
