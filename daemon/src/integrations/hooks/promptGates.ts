/**
 * Agents whose prompt hook can refuse a prompt, and how each says so on the hook's stdout. The tracker refuses a new
 * prompt only while an enforced budget is exceeded; the forwarder prints the refusal (`output`) as the agent expects.
 *
 * - Claude Code `UserPromptSubmit`: `{"decision":"block","reason":...}`: the prompt is erased, the reason shown.
 * - Codex `UserPromptSubmit`: the same shape (its user-prompt-submit output schema: `decision: "block"`, `reason`).
 * - Gemini CLI `BeforeAgent`: `{"decision":"deny","reason":...}`: the turn does not run.
 * - Cursor `beforeSubmitPrompt`: `{"continue":false,"user_message":...}`.
 * Copilot CLI (`userPromptSubmitted` ignores its hook's output) and Cline cannot be refused this way: their prompts are
 * only observed.
 */

import type { PromptGate as Gate } from '../../protocol/index.js';

interface PromptGate extends Gate {
  /** The hook event that carries a new prompt of the user. */
  event: string;
}

const block = (reason: string) => ({ decision: 'block', reason });

const GATES = new Map<string, PromptGate>([
  ['claude-code', { event: 'UserPromptSubmit', refuse: block }],
  ['codex', { event: 'UserPromptSubmit', refuse: block }],
  ['gemini-cli', { event: 'BeforeAgent', refuse: (reason) => ({ decision: 'deny', reason }) }],
  ['cursor', { event: 'beforeSubmitPrompt', refuse: (reason) => ({ continue: false, user_message: reason }) }],
]);

/** The agent kinds whose prompts a budget can refuse. */
export const GATED_AGENT_KINDS: readonly string[] = [...GATES.keys()];

/** The gate of this payload when it is a prompt an agent of this kind lets its hook refuse; undefined otherwise. */
export function promptGateOf(source: string, payload: Record<string, unknown>): PromptGate | undefined {
  const gate = GATES.get(source);
  return gate && payload.hook_event_name === gate.event ? gate : undefined;
}
