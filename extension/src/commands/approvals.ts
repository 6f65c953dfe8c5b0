/**
 * Allow / Deny…: decides an agent's pending approval from VS Code (a notification's button, a row's inline action, the
 * task page, the palette). The first answer wins: one given elsewhere meanwhile makes this one say so and change
 * nothing. A question's options are offered as a quick pick and sent as the decision's answers. Every decision is
 * recorded as made `via: "vscode"`.
 */
import * as vscode from 'vscode';
import { TrackerApiError } from '#client';
import { iconSafeText } from '../model/plainText.js';
import { needsInputOf, oneLine } from '../model/plainWords.js';
import type { Approval, ApprovalAnswers, ApprovalQuestion } from '../model/protocol.js';
import { taskIdOf } from './commandArgs.js';
import type { CommandContext } from './commandContext.js';
import { Cancelled } from './prompts.js';

interface DecisionOptions {
  reason?: string;
  answers?: ApprovalAnswers;
}

function decisionOptions(arg: unknown): DecisionOptions {
  if (!arg || typeof arg !== 'object') return {};
  const { reason, answers } = arg as Record<string, unknown>;
  const out: DecisionOptions = {};
  if (typeof reason === 'string' && reason.trim()) out.reason = reason.trim();
  if (answers && typeof answers === 'object' && Object.values(answers).every((v) => typeof v === 'string')) out.answers = answers as ApprovalAnswers;
  return out;
}

/** The pending approval an argument names: a task (node or id) that waits on one, or an approval id. */
async function pendingApproval(ctx: CommandContext, arg: unknown): Promise<Approval> {
  const client = ctx.connection.requireClient();
  const pending = (await client.listApprovals('pending')).items;
  const taskId = taskIdOf(arg);
  const task = taskId === undefined ? undefined : ctx.model.getTask(taskId);
  // A task names the approval it waits on; any other id is an approval's own.
  const wanted = task ? needsInputOf(task)?.approvalId : taskId;
  if (wanted !== undefined) {
    const found = pending.find((a) => a.id === wanted);
    if (found) return found;
    vscode.window.setStatusBarMessage('$(check) Already answered: nothing to do', 4000);
    throw new Cancelled();
  }
  if (!pending.length) {
    void vscode.window.showInformationMessage('Agent Tracker: no agent waits for an approval.');
    throw new Cancelled();
  }
  const picked = await vscode.window.showQuickPick(
    pending.map((a) => ({ label: iconSafeText(oneLine(a.summary, 200)), description: iconSafeText(oneLine(ctx.model.getAgent(a.agentId)?.name ?? a.agentId, 80)), approval: a })),
    { placeHolder: 'Which request?' },
  );
  if (!picked) throw new Cancelled();
  return picked.approval;
}

export interface OptionItem extends vscode.QuickPickItem {
  value: string;
}

let openQuestion: vscode.QuickPick<OptionItem> | undefined;

/** The question's quick pick on screen, if any (tests answer it: a quick pick cannot be clicked from the host). */
export function questionPicker(): vscode.QuickPick<OptionItem> | undefined {
  return openQuestion;
}

/** One quick pick per question; a multi-select question's choices are joined with ", ". */
async function askAnswers(questions: readonly ApprovalQuestion[]): Promise<ApprovalAnswers> {
  const answers: ApprovalAnswers = {};
  for (const [i, q] of questions.entries()) {
    const chosen = await askOne(q, `Question ${i + 1} of ${questions.length}`);
    if (!chosen.length) throw new Cancelled();
    answers[q.question] = chosen.join(', ');
  }
  return answers;
}

/** The labels chosen (the agent reads its own option labels back), or none when the pick was dismissed. */
function askOne(q: ApprovalQuestion, placeholder: string): Promise<string[]> {
  const picker = vscode.window.createQuickPick<OptionItem>();
  picker.items = q.options.map((o) => ({ label: iconSafeText(oneLine(o.label, 120)), description: o.description ? iconSafeText(oneLine(o.description, 200)) : undefined, value: o.label }));
  picker.title = iconSafeText(oneLine(q.question, 200));
  picker.placeholder = placeholder;
  picker.canSelectMany = q.multiSelect === true;
  picker.ignoreFocusOut = true;
  return new Promise<string[]>((resolve) => {
    let chosen: string[] = [];
    picker.onDidAccept(() => {
      chosen = (picker.canSelectMany ? picker.selectedItems : picker.activeItems.slice(0, 1)).map((item) => item.value);
      picker.hide();
    });
    picker.onDidHide(() => {
      if (openQuestion === picker) openQuestion = undefined;
      picker.dispose();
      resolve(chosen);
    });
    openQuestion = picker;
    picker.show();
  });
}

async function decide(ctx: CommandContext, approval: Approval, body: { decision: 'allow' | 'deny'; reason?: string; answers?: ApprovalAnswers }): Promise<Approval | undefined> {
  if (approval.taskId) ctx.ownActions.mark([approval.taskId]);
  try {
    const decided = await ctx.connection.requireClient().decideApproval(approval.id, { ...body, via: 'vscode' });
    vscode.window.setStatusBarMessage(`$(check) ${body.decision === 'allow' ? 'Allowed' : 'Denied'}: ${iconSafeText(oneLine(approval.summary, 80))}`, 4000);
    return decided;
  } catch (error) {
    // The first answer wins: one given in the terminal, the CLI or another window came first.
    if (error instanceof TrackerApiError && error.status === 409) {
      vscode.window.setStatusBarMessage('$(check) Already answered elsewhere: nothing changed', 4000);
      return undefined;
    }
    throw error;
  }
}

export async function approve(ctx: CommandContext, arg?: unknown, options?: unknown): Promise<Approval | undefined> {
  const approval = await pendingApproval(ctx, arg);
  const given = decisionOptions(options);
  const answers = given.answers ?? (approval.questions?.length ? await askAnswers(approval.questions) : undefined);
  return decide(ctx, approval, { decision: 'allow', ...(answers ? { answers } : {}) });
}

export async function deny(ctx: CommandContext, arg?: unknown, options?: unknown): Promise<Approval | undefined> {
  const approval = await pendingApproval(ctx, arg);
  let reason = decisionOptions(options).reason;
  if (reason === undefined) {
    const typed = await vscode.window.showInputBox({
      title: `Deny ${oneLine(approval.summary, 80)}`,
      prompt: 'Why? The agent’s model reads this (optional).',
      ignoreFocusOut: true,
    });
    if (typed === undefined) throw new Cancelled();
    reason = typed.trim() || undefined;
  }
  return decide(ctx, approval, { decision: 'deny', ...(reason ? { reason } : {}) });
}
