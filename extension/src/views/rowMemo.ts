/**
 * Remembers what each shown row last looked like, so a change that leaves a row's text, icon and menus as they were
 * does not redraw it: a redraw closes the row's open tooltip, and live rows change often.
 */
import type * as vscode from 'vscode';

export class RowMemo<N> {
  private shown = new WeakMap<object, string>();

  /** Records the row as drawn. */
  drawn(node: N & object, item: vscode.TreeItem): vscode.TreeItem {
    this.shown.set(node, signature(item));
    return item;
  }

  /** The nodes among these whose row would now look different. */
  changed(nodes: Iterable<N & object>, render: (node: N & object) => vscode.TreeItem): (N & object)[] {
    const out: (N & object)[] = [];
    for (const node of nodes) {
      const before = this.shown.get(node);
      if (before === undefined || before !== signature(render(node))) out.push(node);
    }
    return out;
  }

  clear(): void {
    this.shown = new WeakMap();
  }
}

function signature(item: vscode.TreeItem): string {
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  const icon = item.iconPath && typeof item.iconPath === 'object' && 'id' in item.iconPath ? `${item.iconPath.id} ${item.iconPath.color?.id ?? ''}` : '';
  const tooltip = typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
  return JSON.stringify([label, item.description, icon, item.contextValue, item.collapsibleState, tooltip]);
}
