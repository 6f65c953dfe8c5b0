/** A step left to the user after Connect Agents… (Codex: trust the hooks), as a row at the top of the Agents view. */
import * as vscode from 'vscode';
import { oneLine } from '../../model/plainWords.js';
import type { SetupStep } from '../setupSteps.js';

export class SetupNode {
  readonly kind = 'setup';
  constructor(readonly agent: string) {}
}

export function setupTreeItem(step: SetupStep): vscode.TreeItem {
  const item = new vscode.TreeItem(`${oneLine(step.name, 60)}: one step left to you`, vscode.TreeItemCollapsibleState.None);
  item.id = `setup/${step.agent}`;
  item.description = oneLine(step.how, 200);
  // The whole instruction, however narrow the view: the row is where it stays until done.
  item.tooltip = new vscode.MarkdownString().appendText(`${step.name}: ${step.how}. Click to check again.`);
  item.iconPath = new vscode.ThemeIcon('checklist', new vscode.ThemeColor('list.warningForeground'));
  item.contextValue = 'setupStep';
  item.command = { command: 'agentTracker.checkAgentSetup', title: 'Check Again' };
  item.accessibilityInformation = { label: `${step.name}: one step left to you: ${step.how}. Press Enter to check again.` };
  return item;
}
