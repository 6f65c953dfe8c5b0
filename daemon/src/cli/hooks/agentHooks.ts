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
