/**
 * The questions commands ask: which task or agent, which reset target, why, and "are you sure". A command that asks
 * several questions runs them as steps of one flow: each shows "step n of m" and a Back button.
 */
import * as vscode from 'vscode';
import { agentPickText, taskPickText } from '../model/pickItems.js';
import { agentLabel } from '../model/plainWords.js';
import { RESET_TARGETS, type ResetTarget, type Task } from '../model/protocol.js';
import type { CommandContext } from './commandContext.js';

/** Thrown when the user dismisses a question: the command stops quietly. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

/** Where a question stands in its flow. */
export interface StepPosition {
  title: string;
  step: number;
  totalSteps: number;
}

const BACK = Symbol('back');
type Answer<T> = T | typeof BACK;

/** One question of a flow: given its position, resolves with the answer, or BACK. */
export type Step = (position: StepPosition) => Promise<Answer<unknown>>;

/**
 * Runs the questions in order; Back returns to the previous one (its earlier answer is asked again). Questions whose
 * answer was given up front are left out, so the count is what the user will actually be asked.
 */
export async function runSteps(title: string, steps: readonly (Step | undefined)[]): Promise<unknown[]> {
  const asked = steps.flatMap((s, i) => (s ? [{ step: s, index: i }] : []));
  const answers: unknown[] = new Array(steps.length);
  for (let i = 0; i < asked.length; ) {
    const { step, index } = asked[i] as { step: Step; index: number };
    const answer = await step({ title, step: i + 1, totalSteps: asked.length });
    if (answer === BACK) {
      i = Math.max(0, i - 1);
      continue;
    }
    answers[index] = answer;
    i += 1;
  }
  return answers;
}

interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
}

/**
 * Questions stay open until answered or dismissed with Escape, not when focus moves (`ignoreFocusOut`): run from the
 * palette while a webview is active, the webview takes focus back a moment after the palette closes, which dismissed
 * the first question before the user saw it. A flow of several steps also keeps its answers while the user looks
 * elsewhere.
 */
function quickPick<T>(position: StepPosition | undefined, placeholder: string, items: PickItem<T>[]): Promise<Answer<T>> {
  return new Promise((resolve, reject) => {
    const pick = vscode.window.createQuickPick<PickItem<T>>();
    pick.items = items;
    pick.placeholder = placeholder;
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.ignoreFocusOut = true;
    if (position && position.totalSteps > 1) {
      pick.title = position.title;
      pick.step = position.step;
      pick.totalSteps = position.totalSteps;
      if (position.step > 1) pick.buttons = [vscode.QuickInputButtons.Back];
    }
    let settled = false;
    const done = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
      pick.dispose();
    };
    pick.onDidTriggerButton((button) => button === vscode.QuickInputButtons.Back && done(() => resolve(BACK)));
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      if (chosen) done(() => resolve(chosen.value));
    });
    pick.onDidHide(() => done(() => reject(new Cancelled())));
    pick.show();
  });
}

function inputBox(position: StepPosition | undefined, prompt: string, options: { placeholder?: string; value?: string; validate: (v: string) => string | undefined }): Promise<Answer<string>> {
  return new Promise((resolve, reject) => {
    const box = vscode.window.createInputBox();
    box.prompt = prompt;
    box.placeholder = options.placeholder;
    box.value = options.value ?? '';
    box.ignoreFocusOut = true; // as quickPick's
    if (position && position.totalSteps > 1) {
      box.title = position.title;
      box.step = position.step;
      box.totalSteps = position.totalSteps;
      if (position.step > 1) box.buttons = [vscode.QuickInputButtons.Back];
    }
    let settled = false;
    const done = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
      box.dispose();
    };
    box.onDidChangeValue((v) => (box.validationMessage = v ? options.validate(v) : undefined));
    box.onDidTriggerButton((button) => button === vscode.QuickInputButtons.Back && done(() => resolve(BACK)));
    box.onDidAccept(() => {
      const problem = options.validate(box.value);
      if (problem) box.validationMessage = problem;
      else done(() => resolve(box.value.trim()));
    });
    box.onDidHide(() => done(() => reject(new Cancelled())));
    box.show();
  });
}

/** Tasks to choose from, the most recently changed first: the one just seen going wrong is at the top. */
function taskItems(ctx: CommandContext, accept: (task: Task) => boolean): PickItem<Task>[] {
  const now = Date.now();
  return [...ctx.model.tasks()]
    .filter(accept)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.title.localeCompare(b.title))
    .map((task) => ({ ...taskPickText(task, agentLabel(task.agentId, (id) => ctx.model.getAgent(id)), now), value: task }));
}

function noChoice(what: string): never {
  void vscode.window.showInformationMessage(`Agent Tracker: no task to choose from (${what}).`);
  throw new Cancelled();
}

/** A task question on its own (one step) or as a step of a flow. */
export function taskStep(ctx: CommandContext, placeHolder: string, accept: (task: Task) => boolean): Step {
  const items = taskItems(ctx, accept);
  if (!items.length) noChoice(placeHolder.toLowerCase());
  return (position) => quickPick(position, placeHolder, items);
}

export async function pickTask(ctx: CommandContext, placeHolder: string, accept: (task: Task) => boolean): Promise<Task> {
  const answer = await taskStep(ctx, placeHolder, accept)({ title: placeHolder, step: 1, totalSteps: 1 });
  return answer as Task;
}

export function agentStep(ctx: CommandContext, placeHolder: string): Step {
  const agents = [...ctx.model.agents()].sort((a, b) => a.name.localeCompare(b.name));
  if (!agents.length) {
    void vscode.window.showInformationMessage('Agent Tracker: no agent has reported yet.');
    throw new Cancelled();
  }
  const items = agents.map((agent) => ({ ...agentPickText(agent), value: agent.id }));
  return (position) => quickPick(position, placeHolder, items);
}

const TARGET_HELP: Readonly<Record<ResetTarget, string>> = {
  pending: 'Back to the queue: any agent may pick it up again',
  failed: 'Mark it failed (it can be retried later)',
  cancelled: 'Give up on it for good',
};

export function resetTargetStep(): Step {
  const items = RESET_TARGETS.map((to) => ({ label: to, detail: TARGET_HELP[to], value: to }));
  return (position) => quickPick(position, 'Reset to which state?', items);
}

export function reasonStep(prompt: string): Step {
  return (position) =>
    inputBox(position, prompt, {
      placeholder: 'Reason (recorded in the task history)',
      validate: (value) => (value.trim() ? undefined : 'A reason is required'),
    });
}

/** A modal confirmation for destructive actions; `confirmed` skips it (the caller already asked). */
export async function confirm(confirmed: boolean | undefined, message: string, action: string, detail?: string): Promise<void> {
  if (confirmed) return;
  const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
  if (answer !== action) throw new Cancelled();
}
