/** Stop Daemon: stops the home's daemon; it is not started again automatically until Start Daemon or a reload. */
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext.js';
import { optionsOf } from './commandArgs.js';
import { confirm } from './prompts.js';

export async function stopDaemon(ctx: CommandContext, options?: unknown): Promise<boolean> {
  const opts = optionsOf(options);
  await confirm(opts.confirmed, 'Stop the Agent Tracker daemon?', 'Stop Daemon', 'Agents on this machine can no longer report until it runs again.');
  const stopped = await ctx.daemon.stop();
  void vscode.window.showInformationMessage(stopped ? 'Agent Tracker daemon stopped.' : 'No Agent Tracker daemon was running.');
  return stopped;
}
