/** What every agent's hook installer offers `hooks install|uninstall|status`. */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const HOOK_AGENTS = ['claude-code', 'codex', 'gemini-cli', 'cursor', 'copilot-cli', 'cline'] as const;
export type HookAgent = (typeof HOOK_AGENTS)[number];
export type HookScope = 'user' | 'project';

export interface HooksContext {
  /** The tracker home whose forwarder the hooks run. */
  trackerHome: string;
  /** The user's home folder (where agents keep user settings). */
  userHome: string;
  /** The project folder for `--scope project`. */
  cwd: string;
  scope: HookScope;
  env: NodeJS.ProcessEnv;
  /** Install only: turn approvals on or off, or keep them as they are; `wait` is the approval wait in seconds. */
  approvals?: ApprovalChoice;
  /**
   * The platform whose agents run the hooks: this machine's unless a test says otherwise (the Windows branches are
   * tested on Linux this way).
   */
  platform?: NodeJS.Platform;
}

export interface ApprovalChoice {
  turn: 'on' | 'off' | 'keep';
  wait?: number;
}

/** Whether the agents run their hooks on Windows (cmd.exe or PowerShell, no `/bin/sh`). */
export function onWindows(ctx: HooksContext): boolean {
  return (ctx.platform ?? process.platform) === 'win32';
}

/** How long a permission hook waits for a decision when the user does not say (seconds). */
export const DEFAULT_APPROVAL_WAIT = 120;
/** The agent's own hook timeout is set this much above the approval wait, so the agent never cuts the wait short. */
export const APPROVAL_TIMEOUT_MARGIN = 30;

/** The approval wait after an install: `current` is what the agent's config holds now (undefined: off). */
export function approvalWaitAfter(ctx: HooksContext, current: number | undefined): number | undefined {
  const choice = ctx.approvals ?? { turn: 'keep' };
  if (choice.turn === 'off') return undefined;
  if (choice.turn === 'on') return choice.wait ?? current ?? DEFAULT_APPROVAL_WAIT;
  return current === undefined ? undefined : (choice.wait ?? current);
}

export interface ApprovalStatus {
  /** Whether this agent can take a decision from a hook at all. */
  possible: boolean;
  /** Whether our permission hook is installed. */
  on: boolean;
  /** The approval wait our permission hook runs with (seconds), when on. */
  wait: number | null;
  /** The agent's events that carry it (possible) and what it does, or why it cannot. */
  events: string[];
  how: string;
}

export interface TrustStatus {
  /** Whether the agent still waits for the user to trust our hooks before it runs them. */
  pending: boolean;
  how: string;
}

export interface AgentHookStatus {
  agent: HookAgent;
  name: string;
  /** Where the agent was found on this machine (its command or its config folder), or null. */
  foundAt: string | null;
  installed: boolean;
  /** The agent's events that run our forwarder. */
  events: string[];
  config: string;
  trust?: TrustStatus;
  approvals: ApprovalStatus;
  notes: string[];
}

export interface ChangeResult {
  changed: boolean;
  config: string;
  notes: string[];
}

export interface AgentInstaller {
  agent: HookAgent;
  name: string;
  install(ctx: HooksContext): ChangeResult;
  uninstall(ctx: HooksContext): ChangeResult;
  status(ctx: HooksContext): AgentHookStatus;
}

/** The first of the agent's commands on PATH, else the first of its folders that exists. */
export function findAgent(ctx: HooksContext, commands: readonly string[], folders: readonly string[]): string | null {
  const dirs = (ctx.env['PATH'] ?? '').split(path.delimiter).filter((dir) => dir !== '');
  for (const command of commands) {
    for (const dir of dirs) {
      const candidate = path.join(dir, command);
      if (existsSync(candidate)) return candidate;
    }
  }
  return folders.find((folder) => existsSync(folder)) ?? null;
}
