/** A group of the Tasks view (Needs you, Stuck, Active, Waiting, Pending, Backlog). */
import * as vscode from 'vscode';
import { counted } from '../../model/plainWords.js';
import { TASK_GROUP_LABELS, type TaskGroupId } from '../../model/taskTree.js';

export class TaskGroupNode {
  readonly kind = 'group';
  constructor(readonly group: TaskGroupId) {}
}

const GROUP_ICONS: Readonly<Record<TaskGroupId, [string, string]>> = {
  needs: ['bell-dot', 'list.warningForeground'],
  stuck: ['warning', 'list.warningForeground'],
  active: ['play-circle', 'charts.blue'],
  waiting: ['watch', 'charts.yellow'],
  pending: ['clock', 'foreground'],
  backlog: ['inbox', 'disabledForeground'],
};

/** The last row of a group that holds more tasks than a tree can usefully show. */
export class MoreTasksNode {
  readonly kind = 'more';
  constructor(readonly group: TaskGroupId) {}
}

export function moreTasksTreeItem(group: TaskGroupId, hidden: number): vscode.TreeItem {
  const item = new vscode.TreeItem(`${hidden.toLocaleString('en-US')} more…`, vscode.TreeItemCollapsibleState.None);
  item.id = `more/${group}`;
  item.description = 'narrow the list with Filter Tasks';
  item.iconPath = new vscode.ThemeIcon('filter');
  item.contextValue = 'more';
  item.command = { command: 'agentTracker.filterTasks', title: 'Filter Tasks' };
  return item;
}

/** `shown` counts the group's tasks in the view (nested ones too); `all` ignores the filter, as the status bar does. */
export function taskGroupTreeItem(group: TaskGroupId, counts: { shown: number; all: number }): vscode.TreeItem {
  // Where attention goes opens by default.
  const expanded = group === 'needs' || group === 'stuck' || group === 'active';
  const item = new vscode.TreeItem(
    TASK_GROUP_LABELS[group],
    expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = `group/${group}`;
  item.description = counts.shown === counts.all ? String(counts.all) : `${counts.shown} of ${counts.all}`;
  const [icon, color] = GROUP_ICONS[group];
  item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
  item.contextValue = `group.${group}`;
  const count = counts.shown === counts.all ? counted(counts.all, 'task') : `${counts.shown} of ${counted(counts.all, 'task')}`;
  item.accessibilityInformation = { label: `${TASK_GROUP_LABELS[group]}, ${count}` };
  return item;
}
