/**
 * Run Demo: `agent-tracker demo` in a terminal of its own, against this window's daemon: simulated agents work through
 * tasks the demo creates (and only those), one falls silent so a stuck task shows. Ctrl-C in the terminal stops it.
 */
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext.js';

export function runDemo(ctx: CommandContext): vscode.Terminal {
  const terminal = vscode.window.createTerminal({
    name: 'Agent Tracker Demo',
    shellPath: process.execPath,
    shellArgs: [ctx.daemon.bundlePath, 'demo', '--home', ctx.settings().home],
    env: { ELECTRON_RUN_AS_NODE: '1' },
    iconPath: new vscode.ThemeIcon('play'),
  });
  terminal.show(true);
  void vscode.commands.executeCommand('agentTracker.agents.focus');
  return terminal;
}
