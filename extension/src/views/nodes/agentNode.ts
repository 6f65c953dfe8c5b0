/** An agent row of the Agents view; its open tasks are its children. */
import * as vscode from 'vscode';
import { formatAgo, formatTime } from '../../model/format.js';
import type { Agent, AgentStatusValue } from '../../model/protocol.js';

export class AgentNode {
  readonly kind = 'agent';
  constructor(readonly agentId: string) {}
}

const STATUS_ICONS: Readonly<Record<AgentStatusValue, [string, string]>> = {
  online: ['circle-filled', 'testing.iconPassed'],
  busy: ['loading~spin', 'charts.blue'],
  idle: ['circle-outline', 'charts.yellow'],
  offline: ['circle-slash', 'disabledForeground'],
};

export function agentTreeItem(agent: Agent, counts: { active: number; open: number }, now: number): vscode.TreeItem {
  const item = new vscode.TreeItem(
    agent.name || agent.id,
    counts.open > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `agent/${agent.id}`;
  const active = counts.active === 1 ? '1 active task' : `${counts.active} active tasks`;
  item.description = `${agent.status} · ${active} · seen ${formatAgo(agent.lastSeenAt, now)}`;
  const [icon, color] = STATUS_ICONS[agent.status];
  item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
  item.contextValue = `agent.${agent.status}`;
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${agent.name || agent.id}** \`${agent.id}\` — ${agent.status}\n\n`);
  const rows = [
    `Last seen: ${formatTime(agent.lastSeenAt)} (${formatAgo(agent.lastSeenAt, now)})`,
    `Registered: ${formatTime(agent.registeredAt)}`,
    `Tasks: ${counts.active} active, ${counts.open} open`,
  ];
  if (agent.capabilities.length) rows.push(`Capabilities: ${agent.capabilities.join(', ')}`);
  if (agent.meta.host) rows.push(`Host: ${agent.meta.host}`);
  if (agent.meta.pid !== undefined) rows.push(`PID: ${agent.meta.pid}`);
  if (agent.meta.cwd) rows.push(`Directory: ${agent.meta.cwd}`);
  md.appendMarkdown(rows.join('  \n'));
  item.tooltip = md;
  return item;
}
