/**
 * The board's calls to the daemon's API: the same routes as every client (paths from the protocol's route table),
 * authenticated by the session cookie the login set. The browser adds the Origin the daemon checks.
 */
import { API, MAX_LIST_LIMIT, routePath, type Agent, type ApiRoute, type Approval, type ApprovalAnswers, type Task, type TrackerEvent } from '#protocol';

export class BoardApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | undefined>;

async function call<T>(route: ApiRoute, options: { id?: string; query?: Query; body?: unknown } = {}): Promise<T> {
  let path = routePath(route, options.id);
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) params.set(k, String(v));
  if ([...params].length) path += `?${params.toString()}`;
  const init: RequestInit = { method: route.method.toUpperCase(), credentials: 'same-origin', headers: {} };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    init.headers = { 'content-type': 'application/json' };
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new BoardApiError(response.status, error?.code ?? 'error', error?.message ?? `HTTP ${response.status}`);
  }
  return body as T;
}

export const boardApi = {
  health: () => call<{ seq: number; version: string }>(API.health),
  agents: async () => (await call<{ items: Agent[] }>(API.listAgents)).items,
  /** Every task, page by page. */
  async allTasks(): Promise<Task[]> {
    const tasks: Task[] = [];
    let cursor: string | undefined;
    do {
      const page = await call<{ items: Task[]; nextCursor: string | null }>(API.listTasks, { query: { limit: MAX_LIST_LIMIT, cursor } });
      tasks.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return tasks;
  },
  taskEvents: async (id: string) => (await call<{ items: TrackerEvent[] }>(API.taskEvents, { id, query: { limit: MAX_LIST_LIMIT } })).items,
  history: (offset: number, limit: number) => call<{ items: Task[]; total: number }>(API.history, { query: { offset, limit } }),
  transition: (id: string, to: string, reason: string) => call<Task>(API.transitionTask, { id, body: { to, reason } }),
  reset: (id: string, to: 'pending' | 'failed' | 'cancelled', reason: string) => call<Task>(API.resetTask, { id, body: { to, reason } }),
  pendingApprovals: async () => (await call<{ items: Approval[] }>(API.listApprovals, { query: { state: 'pending' } })).items,
  /** The board's decisions are recorded as made `via: web`. */
  decide: (id: string, decision: 'allow' | 'deny', extra: { reason?: string; answers?: ApprovalAnswers } = {}) =>
    call<Approval>(API.decideApproval, { id, body: { decision, via: 'web', ...extra } }),
  async logout(): Promise<void> {
    await fetch('/logout', { method: 'POST', credentials: 'same-origin' });
  },
};
