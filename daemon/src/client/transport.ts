/**
 * One HTTP exchange with the daemon, retried with backoff on network errors, timeouts and 503. A mutating call carries
 * one `Idempotency-Key` for all of its attempts, so a retry after a dropped response cannot apply the change twice.
 */
import { randomUUID } from 'node:crypto';
import { backoffDelay, sleep, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { DaemonEndpoint } from '../home/discovery.js';
import { apiErrorFromBody, DaemonUnreachableError, TrackerApiError } from './errors.js';
import { describeFetchError } from '../protocol/index.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface TransportOptions {
  /** Attempts after the first one. */
  retries?: number;
  backoff?: BackoffOptions;
  /** Per-attempt timeout in ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface CallOptions {
  /** Reuse a key the caller already holds (e.g. its own retry loop); otherwise one is made for this call. */
  idempotencyKey?: string;
  /** Extra headers, e.g. `If-Match`. */
  headers?: Record<string, string>;
  /** Give up waiting (including between retries). */
  signal?: AbortSignal;
  /** Attempts after the first one, for this call only. */
  retries?: number;
}

export interface Request extends CallOptions {
  method: HttpMethod;
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Return the body as text rather than JSON (e.g. `/metrics`). */
  text?: boolean;
}

/** A successful exchange: the status and the body (parsed JSON, text, or `undefined` when empty). */
export interface Reply {
  status: number;
  body: unknown;
}

const MUTATING: readonly HttpMethod[] = ['POST', 'PATCH', 'DELETE'];
/** Read your writes across daemons that share a store (see the daemon's server/middleware/readYourWrites.ts). */
const SEQ_HEADER = 'x-agent-tracker-seq';
const MIN_SEQ_HEADER = 'x-agent-tracker-min-seq';

export class HttpTransport {
  private readonly retries: number;
  private readonly backoff: BackoffOptions;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  /**
   * The highest seq a write through this transport was answered with: every later read asks for a view that holds it,
   * so what this client wrote is what it reads, whichever daemon of a team answers.
   */
  private seenSeq = 0;

  constructor(
    readonly endpoint: DaemonEndpoint,
    options: TransportOptions = {},
  ) {
    this.retries = options.retries ?? 4;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async request(req: Request): Promise<Reply> {
    const url = this.buildUrl(req.path, req.query);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.endpoint.token}`,
      accept: req.text ? 'text/plain' : 'application/json',
      ...req.headers,
    };
    if (MUTATING.includes(req.method)) headers['idempotency-key'] = req.idempotencyKey ?? randomUUID();
    else if (this.seenSeq > 0) headers[MIN_SEQ_HEADER] = String(this.seenSeq);
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    if (body !== undefined) headers['content-type'] = 'application/json';

    let lastFailure: unknown;
    const retries = req.retries ?? this.retries;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt - 1, this.backoff), req.signal);
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method: req.method,
          headers,
          body,
          signal: this.attemptSignal(req.signal),
        });
      } catch (error) {
        if (req.signal?.aborted) throw error;
        lastFailure = error;
        continue;
      }
      this.noteSeq(response.headers.get(SEQ_HEADER));
      const text = await readText(response);
      if (text === undefined) {
        lastFailure = new Error('the connection closed while reading the response');
        continue;
      }
      if (response.status === 503 && attempt < retries) {
        lastFailure = apiErrorFromBody(503, parseJson(text), text);
        continue;
      }
      if (!response.ok) throw apiErrorFromBody(response.status, parseJson(text), text);
      if (response.status === 204 || text === '') return { status: response.status, body: undefined };
      return { status: response.status, body: req.text ? text : parseJson(text) };
    }
    if (lastFailure instanceof TrackerApiError) throw lastFailure;
    throw new DaemonUnreachableError(`cannot reach the daemon at ${this.endpoint.url} (${describeFetchError(lastFailure)})`, {
      cause: lastFailure,
    });
  }

  /** The highest seq this client's writes were answered with (0: none yet). */
  get lastSeq(): number {
    return this.seenSeq;
  }

  private noteSeq(header: string | null): void {
    const seq = header === null ? Number.NaN : Number(header);
    if (Number.isSafeInteger(seq) && seq > this.seenSeq) this.seenSeq = seq;
  }

  /**
   * A GET whose body is streamed rather than read whole (a backup can be large). One attempt, and no per-attempt
   * timeout: a download takes as long as the registry is big; `signal` stops it.
   */
  async openStream(path: string, options: CallOptions = {}): Promise<ReadableStream<Uint8Array>> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.buildUrl(path, undefined), {
        headers: { authorization: `Bearer ${this.endpoint.token}`, ...options.headers },
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new DaemonUnreachableError(`cannot reach the daemon at ${this.endpoint.url} (${describeFetchError(error)})`, { cause: error });
    }
    if (!response.ok || !response.body) {
      const text = (await readText(response)) ?? '';
      throw apiErrorFromBody(response.status, parseJson(text), text);
    }
    return response.body;
  }

  private buildUrl(path: string, query: Record<string, QueryValue> | undefined): string {
    const url = new URL(`${this.endpoint.url}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      url.searchParams.set(key, Array.isArray(value) ? value.join(',') : String(value));
    }
    return url.toString();
  }

  private attemptSignal(outer: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return outer ? AbortSignal.any([outer, timeout]) : timeout;
  }
}

async function readText(response: Response): Promise<string | undefined> {
  try {
    return await response.text();
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

