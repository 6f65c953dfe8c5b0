/**
 * Send to Agent…: whether a prompt may be typed into an agent now, and where it goes. Only into an agent whose turn
 * has ended and that runs no background work (a prompt typed into a busy agent is queued or lost, and one typed into
 * a waiting agent answers its question); into the VS Code terminal it runs in, else the tmux pane its hooks saw. No
 * `vscode` here: the command asks the window for terminals and does the typing.
 */
import { agentLabel, needsInputOf, needsInputText, oneLine, stateText } from './plainWords.js';
import { ACTIVE_STATES, isTmuxSocket, TMUX_PANE_PATTERN, type Agent, type Task } from './protocol.js';

/** Where a prompt goes: the agent's VS Code terminal, or its tmux pane (`-S socket` when its hooks saw the server). */
export type SendTarget = { kind: 'terminal' } | { kind: 'tmux'; pane: string; socket?: string };

/** The longest prompt typed: a paragraph, not a file (paste those in the agent's own terminal). */
export const MAX_PROMPT_CHARS = 8000;

/**
 * The pause between the text and Enter. Agents' terminal UIs take a burst of input as a paste, and an Enter inside the
 * burst as part of it: the real Codex left "text\r" written at once (as `sendText(text, true)` writes it) unsent in its
 * input box, and sent it with a pause of 100 ms before Enter.
 */
export const ENTER_AFTER_MS = 300;

export interface SendFacts {
  agent: Agent | undefined;
  /** The agent's open tasks (any state): its turn, its subtasks, its background work. */
  tasks: readonly Task[];
  /** Connected to the daemon: otherwise nothing said about the agent is current. */
  connected: boolean;
  /** The machine the window's extension host runs on: terminals and tmux are this machine's. */
  host: string;
}

/**
 * Why a prompt may not be typed into the agent now, in plain words; undefined when its turn has ended and no
 * background work runs.
 */
export function whyNotNow(facts: SendFacts): string | undefined {
  const { agent } = facts;
  if (!agent) return 'That agent is not known to Agent Tracker.';
  const name = oneLine(agentLabel(agent.id, () => agent), 80);
  if (!facts.connected) return `Agent Tracker is not connected to its daemon, so whether ${name} is idle is not known.`;
  if (agent.status === 'offline') return `${name} is offline: its session ended.`;
  if (agent.meta.host && agent.meta.host !== facts.host) return `${name} runs on ${oneLine(agent.meta.host, 80)}, not on this machine.`;
  if (agent.meta.seenWithoutHooks) return `${name} runs without Agent Tracker's hooks, so whether its turn has ended is not known (Connect Agents… installs them).`;
  const work = facts.tasks.filter((t) => t.agentId === agent.id && ACTIVE_STATES.includes(t.state));
  // What holds the agent, most pressing first: a question to the user, then the turn itself, then background work.
  for (const task of work) {
    const needs = needsInputOf(task);
    if (needs) return `${name} is ${needsInputText(needs)}. Answer that first.`;
  }
  const isBackground = (t: Task): boolean => typeof t.input['backgroundTask'] === 'string';
  const turn = work.find((t) => !isBackground(t));
  if (turn?.state === 'paused' || turn?.state === 'review') return `${name}'s turn has not ended: "${oneLine(turn.title, 120)}" is ${stateText(turn.state)}.`;
  if (turn) return `${name} is still working${turn.step ? `: ${oneLine(turn.step, 120)}` : ` on "${oneLine(turn.title, 120)}"`}. Send when its turn has ended.`;
  const background = work.find(isBackground);
  if (background) return `${name} still runs background work (${oneLine(background.title, 120)}). Send when it is done.`;
  return undefined;
}

/** Where the prompt goes: the VS Code terminal found for the agent, else its tmux pane; undefined when neither. */
export function sendTarget(agent: Agent, inTerminal: boolean): SendTarget | undefined {
  if (inTerminal) return { kind: 'terminal' };
  const { tmuxPane, tmuxSocket } = agent.meta;
  // The meta came through the daemon: held again to the shape tmux writes before it becomes an argument.
  if (tmuxPane === undefined || !TMUX_PANE_PATTERN.test(tmuxPane)) return undefined;
  return tmuxSocket !== undefined && isTmuxSocket(tmuxSocket) ? { kind: 'tmux', pane: tmuxPane, socket: tmuxSocket } : { kind: 'tmux', pane: tmuxPane };
}

export function nowhereText(agent: Agent): string {
  const name = oneLine(agentLabel(agent.id, () => agent), 80);
  return `${name} runs in no terminal of this VS Code window and in no tmux pane Agent Tracker knows of: type in its own terminal.`;
}

/** What is wrong with a prompt, for the input box; undefined when it can be typed as is. */
export function promptProblem(text: string): string | undefined {
  if (!text.trim()) return 'Type the prompt to send.';
  if (text.length > MAX_PROMPT_CHARS) return `At most ${MAX_PROMPT_CHARS} characters.`;
  // A line break would submit early and a control character is a key (Escape, Ctrl+C) to the agent's terminal.
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return 'One line of text, without control characters.';
  }
  return undefined;
}

/**
 * The tmux invocations that type the prompt literally (`-l`, after `--`: a leading "-" is text) and then press Enter
 * (`ENTER_AFTER_MS` later).
 */
export function tmuxSendArgs(target: Extract<SendTarget, { kind: 'tmux' }>, text: string): string[][] {
  const server = target.socket === undefined ? [] : ['-S', target.socket];
  return [
    [...server, 'send-keys', '-t', target.pane, '-l', '--', text],
    [...server, 'send-keys', '-t', target.pane, 'Enter'],
  ];
}
