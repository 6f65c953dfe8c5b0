// The daemon's HTTP API as the contract writes it, with nothing of the project's own client in between: the
// end-to-end tests seed and check the daemon over the wire.

export interface TaskView {
  id: string;
  title: string;
  state: string;
  stuck: { reason: string } | null;
  blocked: boolean;
}

export class DaemonApi {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async request<T>(method: string, route: string, body?: unknown, extra: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<T> {
    const response = await fetch(new URL(route, this.url), {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extra.headers },
      body: body === undefined ? null : JSON.stringify(body),
      signal: extra.signal ?? null,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  task(id: string): Promise<TaskView> {
    return this.request<TaskView>('GET', `/v1/tasks/${encodeURIComponent(id)}`);
  }
}
