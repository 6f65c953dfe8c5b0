/** The History view's day groups and its "Load more" row. */
import * as vscode from 'vscode';
import { dayLabel } from '../../model/format.js';

export class HistoryDayNode {
  readonly kind = 'day';
  constructor(readonly day: string) {}
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
