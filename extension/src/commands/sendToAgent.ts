/**
 * Send to Agent…: types a prompt into the terminal an agent runs in and presses Enter, from an agent row, a task row
 * (its agent) or the palette. Only when the agent's turn has ended and no background work runs; otherwise it says why
 * and sends nothing. The terminal is the VS Code one the agent descends from (as Focus Terminal finds it), else the
 * tmux pane its hooks reported. The text goes first, Enter a moment later (ENTER_AFTER_MS: agents' terminal UIs
 * would take both at once as a paste). A second argument is the prompt itself (no input box).
 */
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import * as vscode from 'vscode';
import { runTmux } from '../common/tmux.js';
import { iconSafeText, notificationText } from '../model/plainText.js';
import { agentLabel, oneLine } from '../model/plainWords.js';
import type { Task } from '../model/protocol.js';
import { ENTER_AFTER_MS, nowhereText, promptProblem, sendTarget, tmuxSendArgs, whyNotNow, type SendTarget } from '../model/sendToAgent.js';
import { terminalOfAgent } from '../views/agentTerminal.js';
import type { CommandContext } from './commandContext.js';
import { agentOfArg } from './focusTerminal.js';
import { Cancelled, agentStep } from './prompts.js';

export type SendOutcome = { sent: true; via: SendTarget['kind'] } | { sent: false; why: string };

export async function sendToAgent(ctx: CommandContext, arg?: unknown, given?: unknown): Promise<SendOutcome> {
  let agentId = agentOfArg(ctx, arg);
  if (agentId === undefined && arg === undefined) {
    agentId = (await agentStep(ctx, 'Send a prompt to which agent?')({ title: 'Send to Agent', step: 1, totalSteps: 1 })) as string;
  }
  if (agentId === undefined) throw new Cancelled();
  const id = agentId;
  const refuse = (why: string): SendOutcome => {
    void vscode.window.showInformationMessage(notificationText(`Agent Tracker: nothing sent. ${why}`));
    return { sent: false, why };
  };
  // Asked before the prompt is typed (no one should write a prompt that cannot go), and again just before it goes.
  const notNow = (): string | undefined =>
    whyNotNow({ agent: ctx.model.getAgent(id), tasks: openTasks(ctx, id), connected: ctx.model.connection.kind === 'connected', host: hostname() });
  const first = notNow();
  if (first) return refuse(first);
  const agent = ctx.model.getAgent(id);
  if (!agent) throw new Cancelled();
  const terminal = await terminalOfAgent(agent);
  const target = sendTarget(agent, terminal !== undefined);
  if (!target) return refuse(nowhereText(agent));

  let text = typeof given === 'string' ? given : undefined;
  if (text === undefined) {
    text = await vscode.window.showInputBox({
      title: `Send to ${oneLine(agentLabel(id, (a) => ctx.model.getAgent(a)), 80)}`,
      prompt: target.kind === 'terminal' ? 'Typed into its terminal, then Enter.' : `Typed into its tmux pane ${target.pane}, then Enter.`,
      validateInput: promptProblem,
      ignoreFocusOut: true,
    });
    if (text === undefined) throw new Cancelled();
  }
  const problem = promptProblem(text);
  if (problem) return refuse(problem);
  const late = notNow();
  if (late) return refuse(late);

  if (target.kind === 'terminal' && terminal) {
    terminal.sendText(text, false);
    await delay(ENTER_AFTER_MS);
    terminal.sendText('', true);
  } else if (target.kind === 'tmux') {
    await runTmux(tmuxSendArgs(target, text), ENTER_AFTER_MS);
  }
  vscode.window.setStatusBarMessage(`$(check) Sent to ${iconSafeText(oneLine(agentLabel(id, (a) => ctx.model.getAgent(a)), 60))}`, 4000);
  return { sent: true, via: target.kind };
}

function openTasks(ctx: CommandContext, agentId: string): Task[] {
  return ctx.agentTree.tasksOf(agentId).flatMap((taskId) => ctx.model.getTask(taskId) ?? []);
}
