/**
 * Where each agent keeps its MCP servers, and how our entry is added to and removed from that file. JSON agents share
 * one shape (`mcpServers.<name>`); Codex keeps `[mcp_servers.<name>]` in config.toml. Our entry is recognized by the
 * marker in its env, so a server of the same name that someone else added is never touched.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ConfigFileError } from '../configFile.js';
import { JsonDocument } from '../jsonDocument.js';
import { TomlDocument, type TomlTable } from '../tomlDocument.js';

export const MCP_AGENTS = ['claude-code', 'codex', 'gemini-cli', 'cursor'] as const;
export type McpAgent = (typeof MCP_AGENTS)[number];
export type ConfigScope = 'user' | 'project';

/** The name our server is listed under in every agent's config. */
export const SERVER_NAME = 'agent-tracker';
const MARKER_VAR = 'AGENT_TRACKER_MANAGED';
const MARKER_VALUE = 'agent-tracker mcp install';
const TOML_MARKER = '# Added by `agent-tracker mcp install`; `agent-tracker mcp uninstall` removes it.';

export interface McpServerEntry {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface Where {
  scope: ConfigScope;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface McpTarget {
  agent: McpAgent;
  label: string;
  file(where: Where): string;
  /** Whether the agent seems to be used on this machine (its user config folder exists). */
  found(where: Where): boolean;
  /** Our entry as the file holds it; undefined when it is not there. Throws when the file cannot be read safely. */
  installed(file: string, text: string | undefined): McpServerEntry | undefined;
  install(file: string, text: string | undefined, entry: McpServerEntry): string;
  uninstall(file: string, text: string | undefined): string | undefined;
}

export function withMarker(entry: Omit<McpServerEntry, 'env'> & { env?: Record<string, string> }): McpServerEntry {
  return { ...entry, env: { ...entry.env, [MARKER_VAR]: MARKER_VALUE } };
}

function isOurs(value: unknown): boolean {
  const env = (value as { env?: Record<string, unknown> } | undefined)?.env;
  return typeof env === 'object' && env !== null && env[MARKER_VAR] === MARKER_VALUE;
}

function foreign(file: string): ConfigFileError {
  return new ConfigFileError(file, `an MCP server named "${SERVER_NAME}" that agent-tracker did not add is configured there`);
}

/** `mcpServers.agent-tracker`, with fields some agents want besides command/args/env. */
function jsonTarget(
  agent: McpAgent,
  label: string,
  file: (where: Where) => string,
  found: (where: Where) => boolean,
  extra: Record<string, unknown> = {},
): McpTarget {
  const ours = (file: string, text: string | undefined): Record<string, unknown> | undefined => {
    const value = new JsonDocument(file, text).get(['mcpServers', SERVER_NAME]);
    if (value === undefined) return undefined;
    if (!isOurs(value)) throw foreign(file);
    return value as Record<string, unknown>;
  };
  return {
    agent,
    label,
    file,
    found,
    installed(path, text) {
      const value = ours(path, text);
      return value && { command: String(value.command), args: (value.args as string[]) ?? [], env: (value.env as Record<string, string>) ?? {} };
    },
    install(path, text, entry) {
      const wanted = { ...extra, ...entry };
      if (isDeepStrictEqual(ours(path, text), wanted)) return text ?? '';
      const doc = new JsonDocument(path, text);
      doc.set(['mcpServers', SERVER_NAME], wanted);
      return doc.text;
    },
    uninstall(path, text) {
      if (!ours(path, text)) return text;
      const doc = new JsonDocument(path, text);
      // The `mcpServers` object goes too when ours was all it held (install added it so).
      doc.remove(Object.keys(doc.get(['mcpServers']) as object).length > 1 ? ['mcpServers', SERVER_NAME] : ['mcpServers']);
      return doc.text;
    },
  };
}

const TABLE = ['mcp_servers', SERVER_NAME];

const codex: McpTarget = {
  agent: 'codex',
  label: 'Codex',
  found: (w) => existsSync(w.env.CODEX_HOME ?? home(w, '.codex')),
  file: (w) =>
    w.scope === 'project' ? join(w.cwd, '.codex', 'config.toml') : join(w.env.CODEX_HOME ?? home(w, '.codex'), 'config.toml'),
  installed(file, text) {
    const value = codexEntry(file, text);
    return value && { command: String(value.command), args: (value.args as string[]) ?? [], env: (value.env as Record<string, string>) ?? {} };
  },
  install(file, text, entry) {
    if (isDeepStrictEqual(codexEntry(file, text), entry)) return text ?? '';
    const doc = new TomlDocument(file, text);
    doc.removeTable(TABLE, TOML_MARKER);
    doc.appendTable(TABLE, { ...entry }, TOML_MARKER);
    if (!isDeepStrictEqual(codexEntry(file, doc.text), entry)) throw new ConfigFileError(file, 'our table could not be placed; edit it by hand');
    return doc.text;
  },
  uninstall(file, text) {
    if (!codexEntry(file, text)) return text;
    const doc = new TomlDocument(file, text);
    doc.removeTable(TABLE, TOML_MARKER);
    if (codexEntry(file, doc.text)) throw new ConfigFileError(file, `"${SERVER_NAME}" is not a table of its own; remove it by hand`);
    return doc.text;
  },
};

function codexEntry(file: string, text: string | undefined): TomlTable | undefined {
  const servers = new TomlDocument(file, text).value().mcp_servers as TomlTable | undefined;
  const value = servers?.[SERVER_NAME];
  if (value === undefined) return undefined;
  if (!isOurs(value)) throw foreign(file);
  return value as TomlTable;
}

const home = (where: Where, ...parts: string[]) => join(where.env.HOME ?? homedir(), ...parts);

export const MCP_TARGETS: Record<McpAgent, McpTarget> = {
  // Claude Code: user servers live in ~/.claude.json; project servers in the shared .mcp.json.
  'claude-code': jsonTarget(
    'claude-code',
    'Claude Code',
    (w) => (w.scope === 'project' ? join(w.cwd, '.mcp.json') : home(w, '.claude.json')),
    (w) => existsSync(home(w, '.claude')) || existsSync(home(w, '.claude.json')),
    { type: 'stdio' },
  ),
  codex,
  'gemini-cli': jsonTarget(
    'gemini-cli',
    'Gemini CLI',
    (w) => (w.scope === 'project' ? join(w.cwd, '.gemini', 'settings.json') : home(w, '.gemini', 'settings.json')),
    (w) => existsSync(home(w, '.gemini')),
  ),
  cursor: jsonTarget(
    'cursor',
    'Cursor',
    (w) => (w.scope === 'project' ? join(w.cwd, '.cursor', 'mcp.json') : home(w, '.cursor', 'mcp.json')),
    (w) => existsSync(home(w, '.cursor')),
  ),
};
