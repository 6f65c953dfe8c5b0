/**
 * `agent-tracker mcp`: the tracker's MCP tools over stdio for an agent that starts us as its MCP server, and
 * `mcp install | uninstall | status` to list that server in each agent's own config.
 */
import { realpathSync } from 'node:fs';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { Command, Option } from 'commander';
import { TrackerClient } from '../client/index.js';
import { resolveHome } from '../home/home.js';
import { action, output, withCommonOptions, type CommonOptions } from './context.js';
import { applyMcpConfig, mcpStatus, type McpChange } from './install/mcp/mcpInstall.js';
import { MCP_AGENTS, withMarker, type ConfigScope, type McpAgent, type McpServerEntry } from './install/mcp/mcpTargets.js';
import { renderTable } from './table.js';

interface InstallOptions extends CommonOptions {
  agent: McpAgent | 'all';
  scope: ConfigScope;
}

export function mcpCommand(): Command {
  const mcp = withCommonOptions(
    new Command('mcp')
      .description('serve the tracker to MCP clients over stdio; `mcp install` adds it to an agent')
      // --home and --json after a subcommand are that subcommand's.
      .enablePositionalOptions(),
  ).action(
    action(async (options: CommonOptions) => {
      await serveStdio(options.home);
    }),
  );
  mcp.addCommand(configCommand('install', 'add the tracker\'s MCP server to an agent\'s config'));
  mcp.addCommand(configCommand('uninstall', 'remove the MCP server that install added'));
  mcp.addCommand(
    withCommonOptions(new Command('status').description('per agent: found on this machine, server installed'))
      .addOption(scopeOption())
      .action(
        action(async (options: Omit<InstallOptions, 'agent'>) => {
          const rows = mcpStatus({ scope: options.scope, cwd: process.cwd(), env: process.env });
          output(options, { agents: rows }, () =>
            renderTable(
              ['AGENT', 'FOUND', 'MCP SERVER', 'CONFIG'],
              rows.map((r) => [r.agent, r.found ? 'yes' : 'no', r.installed ? 'installed' : r.error ? `error: ${r.error}` : '-', r.file]),
            ),
          );
        }),
      ),
  );
  return mcp;
}

function scopeOption(): Option {
  return new Option('--scope <scope>', 'the user\'s config or the current project\'s').choices(['user', 'project']).default('user');
}

function configCommand(name: 'install' | 'uninstall', description: string): Command {
  return withCommonOptions(new Command(name).description(description))
    .addOption(
      new Option('--agent <agent>', 'the agent whose config to change; all: every agent found on this machine')
        .choices([...MCP_AGENTS, 'all'])
        .makeOptionMandatory(),
    )
    .addOption(scopeOption())
    .action(
      action(async (options: InstallOptions) => {
        const changes = applyMcpConfig(name, options.agent, serverEntry(options.home), {
          scope: options.scope,
          cwd: process.cwd(),
          env: process.env,
        });
        output(options, { changes }, () => changes.map(describe).join('\n') || 'no agent found on this machine');
        return changes.some((c) => c.error) ? 1 : 0;
      }),
    );
}

function describe(change: McpChange): string {
  if (change.error) return `${change.agent}: ${change.error}`;
  const what = change.changed ? (change.action === 'install' ? 'added to' : 'removed from') : change.action === 'install' ? 'already in' : 'not in';
  return `${change.agent}: MCP server ${what} ${change.file}${change.backup ? ` (backup: ${change.backup})` : ''}`;
}

/** The agent starts this very program (same Node, same script) with `mcp`, on the home given here if any. */
function serverEntry(home: string | undefined): McpServerEntry {
  const script = realpathSync(process.argv[1] ?? '');
  return withMarker({ command: process.execPath, args: [script, 'mcp', ...(home ? ['--home', resolveHome(home)] : [])] });
}

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

/** Serves until the client closes stdin. The daemon is found on each call, so it may start after the agent does. */
async function serveStdio(home: string | undefined): Promise<void> {
  // Loaded here, so that every other command starts without the MCP SDK.
  const [{ StdioServerTransport }, { createMcpServer }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('../server/mcp/server.js'),
  ]);
  const server = createMcpServer(() => TrackerClient.connect({ home }));
  const transport = new StdioServerTransport();
  // The transport drops a line it cannot read; JSON-RPC answers it with an error of id null instead (set before
  // connect, which keeps this handler and adds its own).
  transport.onerror = (error) => {
    const code = error instanceof SyntaxError ? PARSE_ERROR : error.name === 'ZodError' ? INVALID_REQUEST : undefined;
    if (code === undefined) return;
    const message = code === PARSE_ERROR ? 'Parse error: the line is not JSON' : 'Invalid Request: not a JSON-RPC 2.0 message';
    void transport.send({ jsonrpc: '2.0', id: null, error: { code, message } } as unknown as JSONRPCMessage);
  };
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', () => void server.close());
  });
  await server.connect(transport);
  await closed;
}
