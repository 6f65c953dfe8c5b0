/**
 * The HTTP server around the app, with deadlines: a client that dribbles its headers or its body (slowloris) or holds
 * an idle keep-alive socket is answered 408 / closed, so open sockets cannot pile up. An upgraded WebSocket leaves
 * these deadlines behind; the stream's ping drops a silent one.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';

export interface HttpTimeouts {
  /** From the first byte of a request to the end of its headers. */
  headersTimeoutMs: number;
  /** From the first byte of a request to the end of its body (a 1 MiB body takes milliseconds on loopback). */
  requestTimeoutMs: number;
  /** An idle keep-alive socket is closed after this. */
  keepAliveTimeoutMs: number;
  /** How often the two deadlines above are checked. */
  checkIntervalMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
};

/** PEM certificate and key: the server speaks https (and its upgrades wss). */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

export function createHttpServer(app: RequestListener, timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS, tls?: TlsFiles): Server {
  const options = {
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  };
  // An https.Server is an http.Server (the same request, upgrade and close API) behind TLS.
  return tls ? createTlsServer({ ...options, cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, app) : createServer(options, app);
}
