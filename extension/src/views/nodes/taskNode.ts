/** A task row, in any of the three views. `contextValue` encodes state and flags so menus can match on them. */
import * as vscode from 'vscode';
import { formatAgo, formatDuration, formatTime } from '../../model/format.js';
import { computeMetrics, type Task, type TaskState } from '../../model/protocol.js';

export type TaskView = 'tasks' | 'agents' | 'history';

export class TaskNode {
  readonly kind = 'task';
  constructor(
    readonly taskId: string,
    readonly view: TaskView,
  ) {}
}

export interface TaskRowContext {
  view: TaskView;
  hasChildren: boolean;
  blockers: readonly string[];
  possiblyStuck: boolean;
  now: number;
  /** Shown in the tooltip of a possibly stuck task. */
  stuckAfterSeconds: number;
}

const STATE_ICONS: Readonly<Record<TaskState, [string, string | undefined]>> = {
  backlog: ['inbox', 'disabledForeground'],
  pending: ['clock', undefined],
  assigned: ['person', 'charts.blue'],
  active: ['sync~spin', 'charts.blue'],
  paused: ['debug-pause', 'charts.yellow'],
  review: ['eye', 'charts.purple'],
  approved: ['thumbsup', 'charts.green'],
  done: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash', 'disabledForeground'],
};

/** `task.<state>` plus `.stuck`, `.blocked`, `.child`: menus use regexes such as `/^task\.failed/` or `/\.stuck/`. */
export function taskContextValue(task: Task, flags: { stuck: boolean; blocked: boolean }): string {
  let value = `task.${task.state}`;
  if (flags.stuck) value += '.stuck';
  if (flags.blocked) value += '.blocked';
  return value;
}

export function taskIcon(task: Task, flags: { stuck: boolean; blocked: boolean }): vscode.ThemeIcon {
  if (flags.stuck) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  if (flags.blocked) return new vscode.ThemeIcon('lock', new vscode.ThemeColor('disabledForeground'));
  const [icon, color] = STATE_ICONS[task.state];
  return new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
}

export function taskTreeItem(task: Task, ctx: TaskRowContext): vscode.TreeItem {
  const stuck = task.stuck !== null || ctx.possiblyStuck;
  const blocked = ctx.blockers.length > 0 && (task.state === 'pending' || task.state === 'backlog');
  const item = new vscode.TreeItem(
    task.title,
    ctx.hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `${ctx.view}/${task.id}`;
  item.description = describeTask(task, ctx, blocked);
  item.iconPath = taskIcon(task, { stuck, blocked });
  item.contextValue = taskContextValue(task, { stuck, blocked });
  item.tooltip = taskTooltip(task, ctx);
  // Screen readers get what the eye gets: the state (and flags) the icon shows, then the description.
  const flags = `${stuck ? ', stuck' : ''}${blocked ? ', blocked' : ''}`;
  item.accessibilityInformation = { label: `${task.title}, ${task.state}${flags}, ${item.description}` };
  return item;
}

function describeTask(task: Task, ctx: TaskRowContext, blocked: boolean): string {
  const parts: string[] = [];
  if (ctx.view === 'history') {
    parts.push(task.state);
    const cycle = task.metrics.cycleMs ?? computeMetrics(task).cycleMs;
    if (cycle !== null) parts.push(formatDuration(cycle));
    if (task.agentId) parts.push(task.agentId);
    return parts.join(' · ');
  }
  if (task.stuck) parts.push(`stuck: ${task.stuck.reason.replace('_', ' ')}`);
  else if (ctx.possiblyStuck) parts.push(`silent ${formatAgo(task.updatedAt, ctx.now).replace(' ago', '')}`);
  if (blocked) parts.push(`blocked by ${ctx.blockers.join(', ')}`);
  if (task.state !== 'pending' && task.state !== 'backlog') parts.push(`${task.progress}%`);
  if (task.step) parts.push(task.step);
  if (ctx.view === 'tasks' && task.agentId) parts.push(task.agentId);
  return parts.join(' · ');
}

export function taskTooltip(task: Task, ctx: TaskRowContext): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(task.title)}**  \n`);
  md.appendMarkdown(`\`${task.id}\` · ${task.state}${task.type ? ` · ${escape(task.type)}` : ''} · priority ${task.priority}\n\n`);
  if (task.stuck) md.appendMarkdown(`$(warning) Stuck since ${formatTime(task.stuck.since)} (${task.stuck.reason})\n\n`);
  else if (ctx.possiblyStuck) md.appendMarkdown(`$(warning) No event for more than ${ctx.stuckAfterSeconds}s\n\n`);
  const rows: [string, string][] = [
    ['Agent', task.agentId ?? '—'],
    ['Progress', `${task.progress}%${task.step ? ` — ${escape(task.step)}` : ''}`],
    ['Attempts', task.maxAttempts ? `${task.attempts} of ${task.maxAttempts}` : String(task.attempts)],
    ['Created', formatTime(task.createdAt)],
    ['Started', formatTime(task.startedAt)],
    ['Completed', formatTime(task.completedAt)],
    ['Updated', `${formatTime(task.updatedAt)} (${formatAgo(task.updatedAt, ctx.now)})`],
  ];
  if (task.parentId) rows.push(['Parent', `\`${task.parentId}\``]);
  if (task.dependsOn.length) {
    const deps = task.dependsOn.map((d) => `\`${d.taskId}\`${ctx.blockers.includes(d.taskId) ? ' (waiting)' : ' ✓'}`);
    rows.push(['Depends on', deps.join(', ')]);
  }
  if (task.tags.length) rows.push(['Tags', task.tags.map(escape).join(', ')]);
  md.appendMarkdown(rows.map(([k, v]) => `${k}: ${v}`).join('  \n'));
  if (task.lastError) {
    md.appendMarkdown(`\n\n$(error) **Last error** (${formatTime(task.lastError.at)}):\n\n`);
    md.appendCodeblock(task.lastError.message.slice(0, 2000), 'text');
  }
  return md;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
