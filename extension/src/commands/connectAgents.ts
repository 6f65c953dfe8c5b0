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

const AgentHookStatusSchema = z
  .object({
    agent: z.string().min(1),
    name: z.string().optional(),
    found: z.boolean(),
    installed: z.boolean(),
    note: z.string().optional(),
  })
  .loose();
export type AgentHookStatus = z.infer<typeof AgentHookStatusSchema>;

/** `hooks status --json` prints the list, or an object holding it as `agents`. */
const StatusOutputSchema = z.union([z.array(AgentHookStatusSchema), z.object({ agents: z.array(AgentHookStatusSchema) }).loose()]);

export async function hookStatus(ctx: CommandContext): Promise<AgentHookStatus[]> {
  const result = await runBundledCli(ctx.daemon.bundlePath, ctx.settings().home, ['hooks', 'status', '--json']);
  if (result.code !== 0) throw new Error(`agent-tracker hooks status failed: ${(result.stderr || result.stdout).trim().slice(0, 500)}`);
  const parsed = StatusOutputSchema.safeParse(JSON.parse(result.stdout || 'null'));
  if (!parsed.success) throw new Error(`agent-tracker hooks status printed something unexpected: ${parsed.error.message.slice(0, 300)}`);
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.agents;
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
  const found = statuses.filter((s) => s.found);
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
        description: s.found ? (s.installed ? 'connected' : 'found') : 'not found on this machine',
        detail: s.note,
        picked: s.found,
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
  const notes = after.filter((s) => s.installed && s.note).map((s) => `${label(s)}: ${s.note}`);
  if (failures.length) void vscode.window.showWarningMessage(`Agent Tracker could not connect ${failures.join('; ')}`);
  else void vscode.window.showInformationMessage(
    `Agent Tracker: connected ${connected.map(label).join(', ') || 'no agent'}.${notes.length ? ` ${notes.join(' ')}` : ''} New sessions appear in the Agents view.`,
  );
  return after;
}

function label(status: AgentHookStatus): string {
  return status.name ?? status.agent;
}
