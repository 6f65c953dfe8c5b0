/**
 * A task row, in any of the three views. The label is the task's title; the description says in plain words why it
 * is where it is (what it waits for, why it is stuck, what blocks it) and never repeats the state the group or icon
 * already shows. `contextValue` encodes state and flags so menus can match on them.
 */
import * as vscode from 'vscode';
import { formatAgo, formatDuration, formatTime } from '../../model/format.js';
import {
  blockedByText,
  needsInputOf,
  needsInputText,
  oneLine,
  shortTag,
  stateText,
  stuckReasonText,
} from '../../model/plainWords.js';
import { computeMetrics, type Task, type TaskState } from '../../model/protocol.js';
import { rollupText, subtasksDoneText, type Rollup } from '../../model/rollup.js';
import { appendUntrusted, untrustedMarkdown } from '../untrustedMarkdown.js';

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
  /** Titles of the dependencies not yet done. */
  blockerTitles: readonly string[];
  /** Every dependency by title, with whether it is done. */
  dependencies: readonly { title: string; done: boolean }[];
  parentTitle?: string;
  /** The subtasks' progress taken together (the percentage shown when the parent reports none of its own). */
  rollup: Rollup | null;
  agentName: string;
  /** Another open task has the same title: the row adds a short tag. */
  twin: boolean;
  possiblyStuck: boolean;
  now: number;
  /** Shown in the tooltip of a possibly stuck task. */
  stuckAfterSeconds: number;
}

/** Rows and tooltips never carry more of a title than this (titles come from agents). */
const MAX_LABEL = 200;

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

interface RowFlags {
  stuck: boolean;
  blocked: boolean;
  needs: boolean;
}

/** `task.<state>` plus `.stuck`, `.blocked`, `.needs`: menus use regexes such as `/^task\.failed/` or `/\.stuck/`. */
export function taskContextValue(task: Task, flags: RowFlags): string {
  let value = `task.${task.state}`;
  if (flags.stuck) value += '.stuck';
  if (flags.blocked) value += '.blocked';
  if (flags.needs) value += '.needs';
  // An approval the user can decide from here: Allow / Deny… inline.
  if (flags.needs && task.needsInput?.approvalId) value += '.approval';
  return value;
}

export function taskIcon(task: Task, flags: RowFlags): vscode.ThemeIcon {
  if (flags.needs) return new vscode.ThemeIcon('bell-dot', new vscode.ThemeColor('list.warningForeground'));
  if (flags.stuck) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  if (flags.blocked) return new vscode.ThemeIcon('lock', new vscode.ThemeColor('disabledForeground'));
  const [icon, color] = STATE_ICONS[task.state];
  return new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
}

export function taskTreeItem(task: Task, ctx: TaskRowContext): vscode.TreeItem {
  const flags: RowFlags = {
    stuck: task.stuck !== null || ctx.possiblyStuck,
    blocked: ctx.blockerTitles.length > 0 && (task.state === 'pending' || task.state === 'backlog'),
    needs: needsInputOf(task) !== null,
  };
  const label = oneLine(task.title, MAX_LABEL);
  const item = new vscode.TreeItem(label, ctx.hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `${ctx.view}/${task.id}`;
  item.description = describeTask(task, ctx, flags);
  item.iconPath = taskIcon(task, flags);
  item.contextValue = taskContextValue(task, flags);
  // A click or Enter opens the task's page.
  item.command = { command: 'agentTracker.showTaskDetails', title: 'Show Task', arguments: [task.id] };
  // Screen readers get what the eye gets: the title, the state the icon shows (once), then the description.
  const state = flags.needs ? 'needs you' : flags.stuck ? `${stateText(task.state)}, stuck` : stateText(task.state);
  item.accessibilityInformation = { label: [label, state, item.description].filter(Boolean).join(', ') };
  return item;
}

function describeTask(task: Task, ctx: TaskRowContext, flags: RowFlags): string {
  const parts: string[] = [];
  if (ctx.twin) parts.push(shortTag(task.id));
  if (ctx.view === 'history') {
    const cycle = task.metrics.cycleMs ?? computeMetrics(task).cycleMs;
    if (cycle !== null) parts.push(formatDuration(cycle));
    if (ctx.agentName) parts.push(ctx.agentName);
    if (task.completedAt) parts.push(new Date(task.completedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }));
    return parts.join(' · ');
  }
  const needs = needsInputOf(task);
  if (needs) parts.push(needsInputText(needs, 80));
  else if (task.stuck) parts.push(stuckReasonText(task.stuck.reason));
  else if (ctx.possiblyStuck) parts.push(`silent for ${formatAgo(task.updatedAt, ctx.now).replace(' ago', '')}`);
  if (flags.blocked) parts.push(blockedByText(ctx.blockerTitles));
  // A parent that reports no progress of its own shows its subtasks' taken together.
  if (ctx.rollup && task.progress === 0) parts.push(rollupText(ctx.rollup));
  else {
    if (task.state !== 'pending' && task.state !== 'backlog' && task.progress > 0) parts.push(`${task.progress}%`);
    if (ctx.rollup) parts.push(subtasksDoneText(ctx.rollup));
  }
  if (task.step && !needs) parts.push(oneLine(task.step, 60));
  if (ctx.view === 'tasks' && ctx.agentName) parts.push(ctx.agentName);
  return parts.join(' · ');
}

/**
 * Built when the row is hovered (`resolveTreeItem`), not with every redraw. Everything in it that an agent sent is
 * escaped: no link, HTML or command can come from a title or a message.
 */
export function taskTooltip(task: Task, ctx: TaskRowContext): vscode.MarkdownString {
  const md = untrustedMarkdown();
  md.appendMarkdown('**');
  appendUntrusted(md, oneLine(task.title, 500));
  md.appendMarkdown('**\n\n');
  const needs = needsInputOf(task);
  const rows: [string, string][] = [['State', stateText(task.state)]];
  if (needs) rows.push(['Needs you', needsInputText(needs, 400)]);
  if (task.stuck) rows.push(['Stuck', `${stuckReasonText(task.stuck.reason)}, since ${formatTime(task.stuck.since)}`]);
  else if (ctx.possiblyStuck) rows.push(['Silent', `no event for more than ${ctx.stuckAfterSeconds}s`]);
  rows.push(['Agent', ctx.agentName || 'none']);
  if (task.state !== 'pending' && task.state !== 'backlog') rows.push(['Progress', `${task.progress}%${task.step ? `, ${oneLine(task.step, 200)}` : ''}`]);
  if (ctx.rollup) rows.push(['Subtasks', rollupText(ctx.rollup)]);
  rows.push(['Created', formatTime(task.createdAt)]);
  if (task.startedAt) rows.push(['Started', formatTime(task.startedAt)]);
  if (task.completedAt) rows.push(['Finished', formatTime(task.completedAt)]);
  if (ctx.parentTitle) rows.push(['Part of', oneLine(ctx.parentTitle, 120)]);
  if (ctx.dependencies.length) {
    rows.push(['Depends on', ctx.dependencies.map((d) => `${oneLine(d.title, 80)} ${d.done ? '(done)' : '(waiting)'}`).join('; ')]);
  }
  if (task.tags.length) rows.push(['Tags', task.tags.join(', ')]);
  if (task.lastError) rows.push(['Last error', oneLine(task.lastError.message, 400)]);
  rows.forEach(([key, value], i) => {
    md.appendMarkdown(`${i ? '  \n' : ''}${key}: `);
    appendUntrusted(md, value);
  });
  return md;
}
