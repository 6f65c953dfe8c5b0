/**
 * Offers the tracker's MCP server to VS Code's agent mode: the bundled CLI's `mcp` command over stdio, on the home the
 * extension uses. VS Code hosts without the MCP API (before 1.101) simply get nothing.
 */
import * as vscode from 'vscode';
import { SECTION, type TrackerSettings } from '../config.js';

export const MCP_PROVIDER_ID = 'agentTracker.mcpServers';

/** The part of the API this needs, declared here because the typings the extension builds against predate it. */
interface McpApi {
  registerMcpServerDefinitionProvider(
    id: string,
    provider: { onDidChangeMcpServerDefinitions?: vscode.Event<void>; provideMcpServerDefinitions(): unknown[] },
  ): vscode.Disposable;
}
type StdioDefinitionClass = new (label: string, command: string, args: string[], env: Record<string, string>, version?: string) => unknown;

/** Registers the provider where the host has the API; returns what to dispose (nothing when it does not). */
export function registerMcpServerProvider(bundlePath: string, settings: () => TrackerSettings, version: string): vscode.Disposable[] {
  const lm = vscode.lm as unknown as Partial<McpApi>;
  const Definition = (vscode as unknown as { McpStdioServerDefinition?: StdioDefinitionClass }).McpStdioServerDefinition;
  if (typeof lm.registerMcpServerDefinitionProvider !== 'function' || !Definition) return [];
  const changed = new vscode.EventEmitter<void>();
  const watch = vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(`${SECTION}.home`)) changed.fire();
  });
  const registration = lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () => [
      // Inside VS Code, execPath is the editor itself; ELECTRON_RUN_AS_NODE makes it plain Node for the bundled CLI.
      new Definition('Agent Tracker', process.execPath, [bundlePath, 'mcp', '--home', settings().home], { ELECTRON_RUN_AS_NODE: '1' }, version),
    ],
  });
  return [registration, watch, changed];
}
