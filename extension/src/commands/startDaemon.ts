/** Start Daemon: starts the bundled daemon on the configured home (or reports the one already running). */
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext.js';

export async function startDaemon(ctx: CommandContext): Promise<number> {
  if (ctx.settings().daemonUrl) {
    void vscode.window.showWarningMessage('Agent Tracker: `agentTracker.daemonUrl` is set, so the daemon there is yours to start.');
  }
  const pid = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Starting the Agent Tracker daemon' },
    () => ctx.daemon.start(),
  );
  ctx.connection.restart(false);
  // The views turn live as it connects; a toast would say nothing more.
  vscode.window.setStatusBarMessage(`$(check) Agent Tracker daemon running (pid ${pid})`, 4000);
  return pid;
}
