/** Adds, removes and reports our MCP server in the agents' configs (idempotent; a backup precedes every change). */
import { backupPath, readConfigFile, writeConfigChanges } from '../configFile.js';
import { MCP_AGENTS, MCP_TARGETS, type McpAgent, type McpServerEntry, type Where } from './mcpTargets.js';
import { describeError } from '../../../protocol/index.js';

export interface McpChange {
  agent: McpAgent;
  action: 'install' | 'uninstall';
  file: string;
  changed: boolean;
  backup?: string;
  error?: string;
}

/** `all` means the agents found on this machine; a named agent is changed even when not found. */
export function applyMcpConfig(
  action: 'install' | 'uninstall',
  agent: McpAgent | 'all',
  entry: McpServerEntry,
  where: Where,
): McpChange[] {
  const agents = agent === 'all' ? MCP_AGENTS.filter((a) => MCP_TARGETS[a].found(where)) : [agent];
  return agents.map((name) => {
    const target = MCP_TARGETS[name];
    const file = target.file(where);
    try {
      const config = readConfigFile(file);
      const before = config.text;
      const after = action === 'install' ? target.install(file, before, entry) : target.uninstall(file, before);
      const changed = after !== undefined && writeConfigChanges([{ config, text: after }]);
      return { agent: name, action, file, changed, ...(changed && before !== undefined ? { backup: backupPath(file) } : {}) };
    } catch (error) {
      return { agent: name, action, file, changed: false, error: describeError(error) };
    }
  });
}

export interface McpStatusRow {
  agent: McpAgent;
  found: boolean;
  installed: boolean;
  file: string;
  error?: string;
}

export function mcpStatus(where: Where): McpStatusRow[] {
  return MCP_AGENTS.map((agent) => {
    const target = MCP_TARGETS[agent];
    const file = target.file(where);
    const found = target.found(where);
    try {
      return { agent, found, installed: target.installed(file, readConfigFile(file).text) !== undefined, file };
    } catch (error) {
      return { agent, found, installed: false, file, error: describeError(error) };
    }
  });
}
