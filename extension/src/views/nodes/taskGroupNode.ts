/** A group of the Tasks view (Stuck, Active, Waiting, Pending, Backlog). */
import * as vscode from 'vscode';
import { TASK_GROUP_LABELS, type TaskGroupId } from '../../model/taskTree.js';

export class TaskGroupNode {
  readonly kind = 'group';
  constructor(readonly group: TaskGroupId) {}
}

const GROUP_ICONS: Readonly<Record<TaskGroupId, [string, string]>> = {
  stuck: ['warning', 'list.warningForeground'],
  active: ['play-circle', 'charts.blue'],
  waiting: ['watch', 'charts.yellow'],
  pending: ['clock', 'foreground'],
  backlog: ['inbox', 'disabledForeground'],
};

export function taskGroupTreeItem(group: TaskGroupId, count: number): vscode.TreeItem {
  // Stuck and Active open by default: that is where attention goes.
  const expanded = group === 'stuck' || group === 'active';
  const item = new vscode.TreeItem(
    TASK_GROUP_LABELS[group],
    expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = `group/${group}`;
  item.description = String(count);
  const [icon, color] = GROUP_ICONS[group];
  item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
  item.contextValue = `group.${group}`;
  return item;
}
