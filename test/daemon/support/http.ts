/**
 * A small HTTP client for tests of the daemon's API. It uses node:http rather than fetch because the security tests
 * must send the headers fetch refuses to set (Host) or always sets (none of ours: fetch adds no Origin in Node, but a
 * test must be able to add one).
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { strict as assert } from 'node:assert';
import type { ErrorBody } from '../../../daemon/src/protocol/index.js';

export interface HttpResponse<T> {
  status: number;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when there is none (204). */
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is instead of `body` (malformed JSON, oversized payloads). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  /** null sends no Authorization header at all; a string replaces the client's token. */
  token?: string | null;
  idempotencyKey?: string;
}

/** Keep-alive, with enough sockets that a test firing many requests at once really sends them at once. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** Sees every exchange; a throw fails the request (the OpenAPI traffic check). */
export type ExchangeObserver = (exchange: { method: string; path: string; status: number; contentType: string | undefined; text: string }) => void;

export class HttpClient {
  readonly host: string;
  readonly port: number;

  constructor(
    readonly baseUrl: string,
    readonly token: string,
    private readonly observe?: ExchangeObserver,
  ) {
    const url = new URL(baseUrl);
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port);
  }

  request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { host: `127.0.0.1:${this.port}`, ...options.headers };
    const token = options.token === undefined ? this.token : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    let payload: Buffer | undefined;
    if (options.rawBody !== undefined) payload = Buffer.from(options.rawBody);
    else if (options.body !== undefined) payload = Buffer.from(JSON.stringify(options.body));
    if (payload) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(payload.length);
    }
    return new Promise((resolve, reject) => {
      const req = request({ host: this.host, port: this.port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          const status = res.statusCode ?? 0;
          try {
            this.observe?.({ method, path, status, contentType: res.headers['content-type'], text });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          resolve({ status, headers: res.headers, body: body as T, text });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  get<T = unknown>(path: string, options?: RequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('GET', path, options);
  }

  post<T = unknown>(path: string, body?: unknown, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.request<T>('POST', path, { ...options, body });
  }

  patch<T = unknown>(path: string, body?: unknown, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.request<T>('PATCH', path, { ...options, body });
  }

  /** The body of a 2xx response, failing the test with the daemon's own error otherwise. */
  async ok<T>(response: Promise<HttpResponse<T>>): Promise<T> {
    const res = await response;
    assert.ok(res.status >= 200 && res.status < 300, `expected 2xx, got ${res.status}: ${res.text}`);
    return res.body;
  }
}

/** Asserts the contract's error shape and code; returns the error for further checks on its details. */
export function expectError(res: HttpResponse<unknown>, status: number, code: string): ErrorBody['error'] {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  const body = res.body as ErrorBody;
  assert.ok(body && typeof body.error === 'object', `not an error body: ${res.text}`);
  assert.equal(body.error.code, code, res.text);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  return body.error;
}
