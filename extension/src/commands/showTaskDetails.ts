/** Show Task Details: the task as read-only JSON, kept current while it is open. */
import * as vscode from 'vscode';
import { taskDocumentUri } from '../views/taskDocumentProvider.js';
import type { CommandContext } from './commandContext.js';
import { taskIdOf } from './commandArgs.js';
import { pickTask } from './prompts.js';

export async function showTaskDetails(ctx: CommandContext, arg?: unknown): Promise<vscode.TextEditor> {
  const taskId = taskIdOf(arg) ?? (await pickTask(ctx, 'Select the task to show', () => true)).id;
  const document = await vscode.workspace.openTextDocument(taskDocumentUri(taskId));
  if (document.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(document, 'json');
  return vscode.window.showTextDocument(document, { preview: true });
}
