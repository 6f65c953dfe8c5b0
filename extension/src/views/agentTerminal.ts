/** The VS Code terminal an agent runs in: the one whose shell is an ancestor of (or is) the agent's process. */
import * as vscode from 'vscode';
import { ancestorsOf } from '../common/processTree.js';
import type { Agent } from '../model/protocol.js';

export async function terminalOfAgent(agent: Agent | undefined): Promise<vscode.Terminal | undefined> {
  const pid = agent?.meta.pid;
  if (pid === undefined || vscode.window.terminals.length === 0) return undefined;
  const lineage = new Set([pid, ...(await ancestorsOf(pid))]);
  for (const terminal of vscode.window.terminals) {
    const shellPid = await terminal.processId;
    if (shellPid !== undefined && lineage.has(shellPid)) return terminal;
  }
  return undefined;
}
