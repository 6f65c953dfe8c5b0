/**
 * HTTP calls to the daemon. Uses `node:http` rather than `fetch` so no `Origin` header is ever sent (the daemon refuses
 * requests that carry one) and so nothing depends on the host's fetch implementation.
 */
import { request as httpRequest } from 'node:http';
import type { z } from 'zod';
import type { Agent, ResetTarget, Task, TrackerEvent } from '../model/protocol.js';
import { ReplaySchema, TaskSchema, type Replay } from '../model/protocol.js';
import {
  AgentListSchema,
  AgentResetResultSchema,
  CleanupResultSchema,
  ErrorResponseSchema,
  EventListSchema,
  HealthSchema,
  HistoryPageSchema,
  TaskListResultSchema,
  TaskPageSchema,
  type Health,
} from './responses.js';

export interface Endpoint {
  url: string;
  token: string;
}

const REQUEST_TIMEOUT_MS = 15_000;
const MAX_PAGE = 1000;

/** A refusal by the daemon (its error code and message), or a transport failure (status 0). */
export class DaemonRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DaemonRequestError';
  }
}

export class DaemonClient {
  constructor(readonly endpoint: Endpoint) {}

  health(): Promise<Health> {
    return this.call('GET', '/healthz', HealthSchema);
  }

  /** Every task, following cursors page by page. */
  async allTasks(): Promise<Task[]> {
    const tasks: Task[] = [];
    let cursor: string | null | undefined;
    do {
      const query = new URLSearchParams({ limit: String(MAX_PAGE) });
      if (cursor) query.set('cursor', cursor);
      const page = await this.call('GET', `/v1/tasks?${query}`, TaskPageSchema);
      tasks.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return tasks;
  }

  async agents(): Promise<Agent[]> {
    return (await this.call('GET', '/v1/agents', AgentListSchema)).items;
  }

  task(id: string): Promise<Task> {
    return this.call('GET', `/v1/tasks/${encodeURIComponent(id)}`, TaskSchema);
  }

  history(offset: number, limit: number): Promise<{ items: Task[]; total: number }> {
    return this.call('GET', `/v1/history?limit=${limit}&offset=${offset}`, HistoryPageSchema);
  }

  async taskEvents(id: string): Promise<TrackerEvent[]> {
    const events: TrackerEvent[] = [];
    for (;;) {
      const after = events.at(-1)?.seq ?? 0;
      const path = `/v1/tasks/${encodeURIComponent(id)}/events?after=${after}&limit=${MAX_PAGE}`;
      const page = (await this.call('GET', path, EventListSchema)).items;
      events.push(...page);
      if (page.length < MAX_PAGE) return events;
    }
  }

  replay(id: string): Promise<Replay> {
    return this.call('GET', `/v1/tasks/${encodeURIComponent(id)}/replay`, ReplaySchema);
  }

  transition(id: string, to: Task['state'], reason?: string): Promise<Task> {
    return this.call('POST', `/v1/tasks/${encodeURIComponent(id)}/transition`, TaskSchema, { to, reason });
  }

  resetTask(id: string, to: ResetTarget, reason: string): Promise<Task> {
    return this.call('POST', `/v1/tasks/${encodeURIComponent(id)}/reset`, TaskSchema, { to, reason });
  }

  async resetAllStuck(to: ResetTarget, reason: string, agentId?: string): Promise<Task[]> {
    const body = agentId ? { to, reason, agentId } : { to, reason };
    return (await this.call('POST', '/v1/stuck/reset', TaskListResultSchema, body)).tasks;
  }

  resetAgent(id: string, to: ResetTarget, reason: string): Promise<{ agent: Agent; tasks: Task[] }> {
    return this.call('POST', `/v1/agents/${encodeURIComponent(id)}/reset`, AgentResetResultSchema, { to, reason });
  }

  async cleanupHistory(olderThanDays: number): Promise<number> {
    return (await this.call('POST', '/v1/history/cleanup', CleanupResultSchema, { olderThanDays })).removed;
  }

  private async call<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
    const { status, text } = await this.send(method, path, body);
    const json = parseJson(text);
    if (status < 200 || status >= 300) {
      const error = ErrorResponseSchema.safeParse(json);
      if (error.success) {
        const { code, message, details } = error.data.error;
        throw new DaemonRequestError(status, code, message, details);
      }
      throw new DaemonRequestError(status, 'http_error', `${method} ${path}: HTTP ${status}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new DaemonRequestError(status, 'bad_response', `${method} ${path}: unexpected response (${parsed.error.message})`);
    }
    return parsed.data;
  }

  private send(method: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
    const url = new URL(path, this.endpoint.url);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            Authorization: `Bearer ${this.endpoint.token}`,
            Accept: 'application/json',
            ...(payload === undefined
              ? {}
              : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
      req.on('error', (error) => reject(new DaemonRequestError(0, 'unreachable', error.message)));
      req.end(payload);
    });
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
