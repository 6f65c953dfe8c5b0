/** Clean Up History: removes finished tasks older than N days from the daemon (the daily retention, on demand). */
import * as vscode from 'vscode';
import { counted } from '../model/plainWords.js';
import type { CommandContext } from './commandContext.js';
import { optionsOf } from './commandArgs.js';
import { Cancelled, confirm } from './prompts.js';

export async function cleanUpHistory(ctx: CommandContext, options?: unknown): Promise<number> {
  const client = ctx.connection.requireClient();
  const opts = optionsOf(options);
  const days = opts.olderThanDays ?? (await askDays());
  await confirm(opts.confirmed, `Remove finished tasks older than ${counted(days, 'day')}?`, 'Clean Up', 'This cannot be undone.');
  const { removed } = await client.cleanupHistory({ olderThanDays: days });
  await ctx.history.reload();
  void vscode.window.showInformationMessage(`Removed ${counted(removed, 'finished task')} from the history.`);
  return removed;
}

async function askDays(): Promise<number> {
  const value = await vscode.window.showInputBox({
    prompt: 'Remove finished tasks older than how many days?',
    value: '30',
    validateInput: (v) => (/^\d+(\.\d+)?$/.test(v.trim()) ? undefined : 'A number of days'),
  });
  if (value === undefined) throw new Cancelled();
  return Number(value.trim());
}
