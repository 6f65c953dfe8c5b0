/**
 * Connect Agents…: finds the coding agents installed on this machine (`hooks status --json` of the bundled CLI), lets
 * the user pick which to connect (all found ones preselected), installs our hooks into their own configuration
 * (`hooks install --agent <kind>`), and shows each agent's status afterwards, including what is left to the user.
 */
import * as vscode from 'vscode';
import { z } from 'zod';
import { runBundledCli } from './bundledCli.js';
import type { CommandContext } from './commandContext.js';
import { Cancelled } from './prompts.js';

/** Remembered once agents are connected: the Agents view's welcome then says what comes next. */
export const AGENTS_CONNECTED_KEY = 'agentsConnected';

/** One agent in `hooks status --json`: `{ agents: [...] }`. */
const AgentHookStatusSchema = z
  .object({
    agent: z.string().min(1),
    name: z.string(),
    foundAt: z.string().nullable(),
    installed: z.boolean(),
    trust: z.object({ pending: z.boolean(), how: z.string() }).optional(),
    notes: z.array(z.string()).default([]),
  })
  .loose();
export type AgentHookStatus = z.infer<typeof AgentHookStatusSchema>;

const StatusOutputSchema = z.object({ agents: z.array(AgentHookStatusSchema) }).loose();

export async function hookStatus(ctx: Pick<CommandContext, 'daemon' | 'settings'>): Promise<AgentHookStatus[]> {
  const result = await runBundledCli(ctx.daemon.bundlePath, ctx.settings().home, ['hooks', 'status', '--json']);
  if (result.code !== 0) throw new Error(`agent-tracker hooks status failed: ${(result.stderr || result.stdout).trim().slice(0, 500)}`);
  const parsed = StatusOutputSchema.safeParse(JSON.parse(result.stdout || 'null'));
  if (!parsed.success) throw new Error(`agent-tracker hooks status printed something unexpected: ${parsed.error.message.slice(0, 300)}`);
  return parsed.data.agents;
}

/** What is left to the user (Codex: trust the hooks), or the installer's own notes. */
function noteOf(status: AgentHookStatus): string | undefined {
  if (status.trust?.pending) return status.trust.how;
  return status.notes.join(' ') || undefined;
}

export interface ConnectOptions {
  /** Kinds to connect without asking (tests, other extensions). */
  agents?: string[];
}

export async function connectAgents(ctx: CommandContext, options?: unknown): Promise<AgentHookStatus[]> {
  const given = z.object({ agents: z.array(z.string().min(1)).optional() }).safeParse(options);
  const statuses = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Agent Tracker: looking for agents on this machine…' },
    () => hookStatus(ctx),
  );
  const found = statuses.filter((s) => s.foundAt !== null);
  let chosen = given.success ? given.data.agents : undefined;
  if (!chosen) {
    if (!found.length) {
      void vscode.window.showInformationMessage(
        `Agent Tracker found none of ${statuses.map(label).join(', ')} on this machine. Install one, then run Connect Agents… again.`,
      );
      return statuses;
    }
    const picked = await vscode.window.showQuickPick(
      statuses.map((s) => ({
        label: label(s),
        description: s.foundAt !== null ? (s.installed ? 'connected' : `found: ${s.foundAt}`) : 'not found on this machine',
        detail: noteOf(s),
        picked: s.foundAt !== null,
        agent: s.agent,
      })),
      { canPickMany: true, title: 'Connect Agents', placeHolder: 'Install Agent Tracker hooks into these agents (their own settings, backed up first)' },
    );
    if (!picked) throw new Cancelled();
    chosen = picked.map((p) => p.agent);
  }
  const failures: string[] = [];
  for (const agent of chosen) {
    const result = await runBundledCli(ctx.daemon.bundlePath, ctx.settings().home, ['hooks', 'install', '--agent', agent]);
    if (result.code !== 0) failures.push(`${agent}: ${(result.stderr || result.stdout).trim().slice(0, 300)}`);
  }
  const after = await hookStatus(ctx);
  const connected = after.filter((s) => s.installed);
  await ctx.state.update(AGENTS_CONNECTED_KEY, connected.length > 0);
  void vscode.commands.executeCommand('setContext', 'agentTracker.agentsConnected', connected.length > 0);
  await ctx.setupSteps.update(after);
  const steps = ctx.setupSteps.steps;
  // What is left to the user (trusting Codex's hooks) is not a toast that hides itself: the Agents view keeps it at
  // the top until done, and asked interactively, a dialog says it in full.
  const notes = after.filter((s) => s.installed && noteOf(s) && !steps.some((step) => step.agent === s.agent)).map((s) => `${label(s)}: ${noteOf(s) ?? ''}`);
  const summary = `Agent Tracker: connected ${connected.map(label).join(', ') || 'no agent'}.${notes.length ? ` ${notes.join(' ')}` : ''}`;
  if (failures.length) void vscode.window.showWarningMessage(`Agent Tracker could not connect ${failures.join('; ')}`);
  else if (steps.length && !given.data?.agents) void showStepsLeft(ctx, summary);
  else void vscode.window.showInformationMessage(`${summary} ${steps.length ? 'One step is left to you: see the top of the Agents view.' : 'New sessions appear in the Agents view.'}`);
  return after;
}

async function showStepsLeft(ctx: CommandContext, summary: string): Promise<void> {
  const steps = ctx.setupSteps.steps;
  const detail = `${steps.map((s) => `${s.name}: ${s.how}.`).join('\n')}\n\nThe Agents view keeps this at its top until it is done.`;
  const choice = await vscode.window.showInformationMessage(`${summary} One step is left to you.`, { modal: true, detail }, 'Check Again');
  if (choice !== 'Check Again') return;
  const left = await ctx.setupSteps.recheck();
  if (left.length) void showStepsLeft(ctx, 'Agent Tracker: not done yet.');
}

/** Check Again: asks the agents' own settings whether what was left to the user is done. */
export async function checkAgentSetup(ctx: CommandContext): Promise<void> {
  const left = await ctx.setupSteps.recheck();
  if (left.length) {
    void vscode.window.showInformationMessage(`Agent Tracker: still to do: ${left.map((s) => `${s.name}: ${s.how}`).join('; ')}.`);
  }
}

function label(status: AgentHookStatus): string {
  return status.name || status.agent;
}
