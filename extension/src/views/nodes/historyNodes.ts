/** The History view's day groups, the outcome and agent groups of a large day, and its "Load more" row. */
import * as vscode from 'vscode';
import { dayLabel } from '../../model/format.js';
import type { HistoryGroup } from '../../model/historyGroups.js';
import { oneLine } from '../../model/plainWords.js';

export class HistoryDayNode {
  readonly kind = 'day';
  constructor(readonly day: string) {}
}

export class HistoryGroupNode {
  readonly kind = 'group';
  constructor(readonly key: string) {}
}

const OUTCOME_ICONS = { failed: 'error', cancelled: 'circle-slash', done: 'pass' } as const;

export function historyGroupTreeItem(group: HistoryGroup): vscode.TreeItem {
  // What failed is what one looks for: open; the rest folded.
  const open = group.outcome === 'failed' && group.agentId === undefined;
  const item = new vscode.TreeItem(oneLine(group.label, 120), open ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `history/group/${group.key}`;
  const count = group.taskIds.length;
  item.description = `${count} ${count === 1 ? 'task' : 'tasks'}`;
  item.iconPath = new vscode.ThemeIcon(group.agentId === undefined ? OUTCOME_ICONS[group.outcome] : 'account');
  item.contextValue = 'historyGroup';
  return item;
}

export class LoadMoreNode {
  readonly kind = 'loadMore';
}

export function historyDayTreeItem(day: string, count: number, now: number, first: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(
    dayLabel(day, now),
    first ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = `day/${day}`;
  item.description = `${count} finished`;
  item.iconPath = new vscode.ThemeIcon('calendar');
  item.contextValue = 'historyDay';
  return item;
}

export function loadMoreTreeItem(loaded: number, total: number, loading: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(loading ? 'Loading…' : 'Load more', vscode.TreeItemCollapsibleState.None);
  item.id = 'history/loadMore';
  item.description = `${loaded} of ${total}`;
  item.iconPath = new vscode.ThemeIcon(loading ? 'loading~spin' : 'ellipsis');
  item.contextValue = 'loadMore';
  item.command = { command: 'agentTracker.loadMoreHistory', title: 'Load More' };
  return item;
}
