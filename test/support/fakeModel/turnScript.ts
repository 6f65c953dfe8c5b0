/**
 * What the fake model does in one user turn: ask for one shell command, then answer with a final text once the
 * command's result comes back. With `subagent` (Claude Code), the main agent first delegates to a subagent, which
 * runs its own command and answers; the main agent then ends the turn. A subagent with a `subagent` of its own runs
 * its command, then delegates in turn (nested subagents), then answers.
 */
export interface TurnScript {
  /** The shell command the model asks the agent to run. */
  command: string;
  /** The model's final answer. */
  finalText: string;
  /**
   * Codex: the model asks to run the command outside the sandbox, with this justification (`sandbox_permissions:
   * "require_escalated"`), which Codex puts to the user (and its PermissionRequest hooks) under `on-request`.
   */
  escalation?: string;
  subagent?: SubagentScript;
  /**
   * How long each reply takes, as a real model's do: the agent's hooks that run in the background land in
   * the meantime. Without it the fake answers at once.
   */
  replyDelayMs?: number;
}

export interface SubagentScript {
  description: string;
  /** The subagent's prompt; the fake recognizes the subagent's requests by it (each level's must be its own). */
  prompt: string;
  command: string;
  finalText: string;
  /** The subagent this one starts after its command, with the Agent tool. */
  subagent?: SubagentScript;
  /** Started in the background (`run_in_background: true`, Claude Code's default), not waited for. */
  background?: boolean;
}

/**
 * Token counts every fake reply reports, so tests can check the usage the tracker sums: each model request adds
 * exactly these.
 */
export const FAKE_USAGE = { inputTokens: 120, outputTokens: 30, cacheReadTokens: 400, cacheWriteTokens: 60 } as const;
