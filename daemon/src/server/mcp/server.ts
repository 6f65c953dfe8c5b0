/** Builds the MCP server of the tool table; the transports (stdio, Streamable HTTP) only connect it. */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DaemonUnreachableError, TrackerApiError } from '../../client/index.js';
import { VERSION } from '../../common/version.js';
import { MCP_TOOLS, type ClientSource } from './tools.js';

const INSTRUCTIONS =
  'Agent Tracker records what AI agents on this machine are doing. Create a task for a piece of work you start ' +
  '(state "active" with your agentId), report progress and steps as you go, log what matters, and move it to done or ' +
  'failed at the end. Refusals come back as tool errors carrying the tracker\'s error code.';

export function createMcpServer(source: ClientSource): McpServer {
  const server = new McpServer({ name: 'agent-tracker', version: VERSION }, { instructions: INSTRUCTIONS });
  for (const tool of MCP_TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        annotations: { readOnlyHint: tool.readOnly, destructiveHint: false, openWorldHint: false },
      },
      async (args): Promise<CallToolResult> => {
        try {
          return success(await tool.run(await source(), args));
        } catch (error) {
          return refusal(error);
        }
      },
    );
  }
  return server;
}

function success(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] };
}

/** A refusal of the daemon is a tool error carrying the contract's error body, so the model can read code and reason. */
function refusal(error: unknown): CallToolResult {
  const body =
    error instanceof TrackerApiError
      ? { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } }
      : error instanceof DaemonUnreachableError
        ? { error: { code: 'unreachable', message: error.message } }
        : undefined;
  if (!body) throw error;
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(body, null, 2) }], structuredContent: body };
}
