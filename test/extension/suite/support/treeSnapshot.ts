/** Reads a tree provider the way VS Code does (getChildren, getTreeItem, resolveTreeItem), into plain rows tests can assert on. */
import * as vscode from 'vscode';

export interface Row {
  label: string;
  description: string;
  contextValue: string;
  icon: string;
  tooltip: string;
  /** What a screen reader says for the row. */
  accessibilityLabel: string;
  element: unknown;
  children: Row[];
}

export async function readTree<T>(provider: vscode.TreeDataProvider<T>, element?: T, depth = 3): Promise<Row[]> {
  const children = (await provider.getChildren(element)) ?? [];
  const rows: Row[] = [];
  for (const child of children) {
    // Tooltips are built when a row is hovered, as VS Code asks for them.
    const drawn = await provider.getTreeItem(child);
    const item = (provider.resolveTreeItem ? await provider.resolveTreeItem(drawn, child, new vscode.CancellationTokenSource().token) : drawn) ?? drawn;
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const tooltip = typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
    const icon = item.iconPath && typeof item.iconPath === 'object' && 'id' in item.iconPath ? String(item.iconPath.id) : '';
    rows.push({
      label,
      description: typeof item.description === 'string' ? item.description : '',
      contextValue: item.contextValue ?? '',
      icon,
      tooltip,
      accessibilityLabel: item.accessibilityInformation?.label ?? '',
      element: child,
      children: depth > 1 ? await readTree(provider, child, depth - 1) : [],
    });
  }
  return rows;
}

export function find(rows: readonly Row[], label: string): Row | undefined {
  for (const row of rows) {
    if (row.label === label) return row;
    const inner = find(row.children, label);
    if (inner) return inner;
  }
  return undefined;
}
