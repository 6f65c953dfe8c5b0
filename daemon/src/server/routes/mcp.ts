/**
 * POST /mcp: the MCP tools over Streamable HTTP. Stateless: each request gets its own server and transport (the tools
 * keep no session state), answered as plain JSON. The app's guard has already checked Host, Origin and the token.
 */
import express, { Router } from 'express';
import { MAX_BODY_BYTES, MAX_JSON_DEPTH, findTooDeep } from '../../protocol/index.js';
import type { ClientSource } from '../mcp/tools.js';

/** The MCP SDK is loaded on the first request: a daemon that never serves MCP starts without its cost. */
const loadSdk = async () => {
  const [{ StreamableHTTPServerTransport }, { createMcpServer }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    import('../mcp/server.js'),
  ]);
  return { StreamableHTTPServerTransport, createMcpServer };
};

export function mcpRouter(source: ClientSource): Router {
  const router = Router();
  router.post('/', express.json({ limit: MAX_BODY_BYTES }), async (req, res) => {
    // The nesting bound of every JSON body, refused as JSON-RPC refuses a malformed request.
    const tooDeep = findTooDeep(req.body);
    if (tooDeep !== null) {
      res.status(400).json({
        jsonrpc: '2.0',
        error: { code: -32600, message: `Invalid Request: nests deeper than ${MAX_JSON_DEPTH} levels at ${tooDeep}` },
        id: null,
      });
      return;
    }
    const { StreamableHTTPServerTransport, createMcpServer } = await loadSdk();
    const server = createMcpServer(source);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  // A stateless server offers no stream to resume (GET) and no session to end (DELETE).
  router.all('/', (_req, res) => {
    res.status(405).setHeader('Allow', 'POST').json({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Method not allowed: this MCP server is stateless; use POST' },
      id: null,
    });
  });
  return router;
}
