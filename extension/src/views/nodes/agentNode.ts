/** An agent row of the Agents view (its open tasks are its children), and the host rows above them in team mode. */
import * as vscode from 'vscode';
import { formatAgo, formatTime } from '../../model/format.js';
import { agentKindName, counted, oneLine } from '../../model/plainWords.js';
import { folderBesideName, type AgentRowStatus } from '../../model/agentTree.js';
import { formatCost } from '../../model/taskPageView.js';
import type { Agent } from '../../model/protocol.js';
import { appendUntrusted, untrustedMarkdown } from '../untrustedMarkdown.js';

export class AgentNode {
  readonly kind = 'agent';
  constructor(readonly agentId: string) {}
}

/** The ended sessions of one folder, folded into one row (key: host, NUL, folder). */
export class EndedNode {
  readonly kind = 'ended';
  constructor(readonly key: string) {}
}

export class HostNode {
  readonly kind = 'host';
  constructor(readonly host: string) {}
}

export interface AgentRowFacts {
  status: AgentRowStatus;
  active: number;
  open: number;
  step: string | undefined;
  now: number;
}

const STATUS_COLORS: Readonly<Record<AgentRowStatus, string>> = {
  'needs you': 'list.warningForeground',
  online: 'testing.iconPassed',
  busy: 'charts.blue',
  idle: 'charts.yellow',
  offline: 'disabledForeground',
};

/** One icon per known kind of agent; the colour says its status. */
const KIND_ICONS: Readonly<Record<string, string>> = {
  'claude-code': 'sparkle',
  codex: 'terminal',
  'gemini-cli': 'star-empty',
  cursor: 'inspect',
  'copilot-cli': 'copilot',
  'vscode-agent': 'vscode',
  cline: 'robot',
  run: 'play',
};

export function agentKind(agent: Agent): string | undefined {
  return agent.meta.kind || undefined;
}

export function agentTreeItem(agent: Agent, facts: AgentRowFacts): vscode.TreeItem {
  const name = oneLine(agent.name || agent.id, 120);
  const item = new vscode.TreeItem(name, facts.open > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `agent/${agent.id}`;
  const parts: string[] = [facts.status];
  const folder = folderBesideName(agent);
  if (folder) parts.push(oneLine(folder, 40));
  if (facts.status === 'busy' && facts.step) parts.push(oneLine(facts.step, 60));
  if (facts.active > 1) parts.push(`${facts.active} active tasks`);
  const cost = agent.usage?.costUsd ?? 0;
  if (facts.status !== 'offline' && cost > 0) parts.push(formatCost(cost));
  // "seen" only once it says something the status does not: second-by-second ages would redraw the row all the time.
  const seenMs = facts.now - Date.parse(agent.lastSeenAt);
  if (seenMs >= 60_000) parts.push(`seen ${formatAgo(agent.lastSeenAt, facts.now)}`);
  item.description = parts.join(' · ');
  const kind = agentKind(agent);
  item.iconPath = new vscode.ThemeIcon(KIND_ICONS[kind ?? ''] ?? 'account', new vscode.ThemeColor(STATUS_COLORS[facts.status]));
  item.contextValue = `agent.${facts.status === 'needs you' ? 'needs' : facts.status}`;
  item.accessibilityInformation = { label: [name, agentKindName(kind), item.description].filter(Boolean).join(', ') };
  return item;
}

/** Built when the row is hovered (`resolveTreeItem`). */
export function agentTooltip(agent: Agent, facts: AgentRowFacts): vscode.MarkdownString {
  const md = untrustedMarkdown();
  md.appendMarkdown('**');
  appendUntrusted(md, oneLine(agent.name || agent.id, 200));
  md.appendMarkdown('**\n\n');
  const rows: [string, string][] = [['Status', facts.status]];
  const kind = agentKindName(agentKind(agent));
  if (kind) rows.push(['Kind', kind]);
  if (facts.step) rows.push(['Doing', oneLine(facts.step, 200)]);
  rows.push(['Tasks', `${facts.active} active, ${facts.open} open`]);
  if (agent.usage && agent.usage.costUsd > 0) rows.push(['Cost so far', formatCost(agent.usage.costUsd)]);
  rows.push(['Last seen', formatTime(agent.lastSeenAt)]);
  if (agent.meta.workspace ?? agent.meta.cwd) rows.push(['Folder', String(agent.meta.workspace ?? agent.meta.cwd)]);
  if (agent.meta.host) rows.push(['Host', agent.meta.host]);
  if (agent.meta.pid !== undefined) rows.push(['Process', String(agent.meta.pid)]);
  if (agent.capabilities.length) rows.push(['Capabilities', agent.capabilities.join(', ')]);
  rows.push(['Id', agent.id]);
  rows.forEach(([key, value], i) => {
    md.appendMarkdown(`${i ? '  \n' : ''}${key}: `);
    appendUntrusted(md, value);
  });
  return md;
}

export function endedTreeItem(key: string, count: number): vscode.TreeItem {
  const folder = key.slice(key.indexOf('\u0000') + 1);
  const label = counted(count, 'ended session');
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `ended/${key}`;
  item.description = folder ? oneLine(folder, 40) : undefined;
  item.iconPath = new vscode.ThemeIcon('history', new vscode.ThemeColor('disabledForeground'));
  item.contextValue = 'endedSessions';
  item.accessibilityInformation = { label: folder ? `${label} in ${oneLine(folder, 40)}` : label };
  return item;
}

export function hostTreeItem(host: string, agents: number): vscode.TreeItem {
  const item = new vscode.TreeItem(oneLine(host, 80) || 'Unknown host', vscode.TreeItemCollapsibleState.Expanded);
  item.id = `host/${host}`;
  item.description = counted(agents, 'agent');
  item.iconPath = new vscode.ThemeIcon('server');
  item.contextValue = 'host';
  return item;
}
