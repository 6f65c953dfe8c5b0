/**
 * A local stand-in for a model provider: the real agent CLIs talk to it instead of the network. It records every
 * request, and a provider module (anthropicMessages.ts, openaiResponses.ts, geminiGenerate.ts) answers each one from
 * a scripted turn. Listens on 127.0.0.1, port 0.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModelRequest {
  method: string;
  /** Path and query, as the agent sent them. */
  url: string;
  body: unknown;
}

/** Answers one request; returns false when it does not know the route (the server then answers 404). */
export type ModelHandler = (request: ModelRequest, response: http.ServerResponse) => boolean;

export interface FakeModel {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  requests: ModelRequest[];
  close(): Promise<void>;
}

export async function startFakeModel(handler: ModelHandler): Promise<FakeModel> {
  const requests: ModelRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      const request = { method: req.method ?? 'GET', url: req.url ?? '/', body };
      requests.push(request);
      if (!handler(request, res)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no fake for ${request.url}` } }));
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One server-sent event: `event:` line when named, then the JSON data. */
export interface SseEvent {
  event?: string;
  data: unknown;
}

export function writeSse(response: http.ServerResponse, events: readonly SseEvent[]): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const { event, data } of events) {
    response.write(`${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`);
  }
  response.end();
}

export function writeJson(response: http.ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
