/** Typed methods for every route of the daemon's HTTP API. */
import { randomUUID } from 'node:crypto';
import type {
  Agent,
  AgentHeartbeatInput,
  ClaimInput,
  CleanupInput,
  Command,
  CreateTaskInput,
  NextInput,
  PatchTaskInput,
  Replay,
  ResetInput,
  StuckResetInput,
  Task,
  TaskHeartbeatInput,
  TrackerEvent,
  TransitionInput,
} from '../protocol/index.js';
import { discoverDaemon, type DaemonEndpoint, type DiscoverOptions } from './discovery.js';
import { refusal, TrackerApiError } from './errors.js';
import { EventStream, type EventStreamOptions } from './eventStream.js';
import { TaskHandle, type TaskHandleOptions } from './taskHandle.js';
import { HttpTransport, type CallOptions, type QueryValue, type TransportOptions } from './transport.js';
import type {
  AgentResetResult,
  BatchResponse,
  BatchResult,
  ClaimResult,
  CleanupResult,
  EventQuery,
  Health,
  HistoryPage,
  HistoryQuery,
  Items,
  NextResult,
  Stats,
  StuckResetResult,
  TaskHeartbeatResult,
  TaskPage,
  TaskQuery,
} from './types.js';

export interface ConnectOptions extends DiscoverOptions, TransportOptions {}

/** A task created already running, by the agent that runs it. */
export type StartTaskInput = Omit<CreateTaskInput, 'state' | 'agentId'> & { agentId: string };

const seg = encodeURIComponent;

export class TrackerClient {
  readonly http: HttpTransport;

  constructor(
    readonly endpoint: DaemonEndpoint,
    options: TransportOptions = {},
  ) {
    this.http = new HttpTransport(endpoint, options);
  }

  /** Finds the daemon (see `discoverDaemon`) and returns a client for it; makes no request. */
  static async connect(options: ConnectOptions = {}): Promise<TrackerClient> {
    return new TrackerClient(await discoverDaemon(options), options);
  }

  // ---- Health and feeds ---------------------------------------------------------------------------------------------

  async health(options?: CallOptions): Promise<Health> {
    return (await this.get('/healthz', undefined, options)) as Health;
  }

  async events(query: EventQuery = {}, options?: CallOptions): Promise<Items<TrackerEvent>> {
    return (await this.get('/v1/events', { ...query }, options)) as Items<TrackerEvent>;
  }

  async ingest(commands: readonly Command[], options?: CallOptions): Promise<BatchResponse> {
    return (await this.post('/v1/events', commands, options)) as BatchResponse;
  }

  /**
   * Applies one command (the inbox line format) at most once: the key is both its command id and the request's
   * Idempotency-Key. A refusal in the batch result is thrown as the same typed error HTTP would have given.
   */
  async apply(command: Command, options: CallOptions = {}): Promise<BatchResult> {
    const key = options.idempotencyKey ?? randomUUID();
    const { results } = await this.ingest([{ ...command, id: command.id ?? key }], { ...options, idempotencyKey: key });
    const error = refusal(results[0]);
    if (error) throw error;
    return results[0] as BatchResult;
  }

  async stats(options?: CallOptions): Promise<Stats> {
    return (await this.get('/v1/stats', undefined, options)) as Stats;
  }

  async metrics(options?: CallOptions): Promise<string> {
    return (await this.http.request({ method: 'GET', path: '/metrics', text: true, ...options })) as string;
  }

  async openapi(options?: CallOptions): Promise<Record<string, unknown>> {
    return (await this.get('/v1/openapi.json', undefined, options)) as Record<string, unknown>;
  }

  /** `GET /v1/backup`: the whole registry as of one seq, in the backup format (JSON Lines), as a byte stream. */
  async backup(options?: CallOptions): Promise<ReadableStream<Uint8Array>> {
    return this.http.openStream('/v1/backup', options);
  }

  /** Follows `/v1/stream` from `after`, reconnecting with the last seq seen. */
  stream(options: EventStreamOptions): EventStream {
    return new EventStream(this.endpoint, options);
  }

  // ---- Tasks --------------------------------------------------------------------------------------------------------

  async createTask(body: CreateTaskInput, options?: CallOptions): Promise<Task> {
    return (await this.post('/v1/tasks', body, options)) as Task;
  }

  async listTasks(query: TaskQuery = {}, options?: CallOptions): Promise<TaskPage> {
    return (await this.get('/v1/tasks', { ...query }, options)) as TaskPage;
  }

  /** Every page of a listing, following `nextCursor`. */
  async listAllTasks(query: Omit<TaskQuery, 'cursor'> = {}, options?: CallOptions): Promise<Task[]> {
    const items: Task[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listTasks({ ...query, cursor }, options);
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  async getTask(id: string, options?: CallOptions): Promise<Task> {
    return (await this.get(`/v1/tasks/${seg(id)}`, undefined, options)) as Task;
  }

  /** `ifMatch`: the version the change is based on; a newer stored version is 409 `version_conflict`. */
  async updateTask(id: string, patch: PatchTaskInput, options: CallOptions & { ifMatch?: number } = {}): Promise<Task> {
    const { ifMatch, ...call } = options;
    const headers = ifMatch === undefined ? call.headers : { ...call.headers, 'if-match': String(ifMatch) };
    return (await this.http.request({ method: 'PATCH', path: `/v1/tasks/${seg(id)}`, body: patch, ...call, headers })) as Task;
  }

  async transition(id: string, body: TransitionInput, options?: CallOptions): Promise<Task> {
    return (await this.post(`/v1/tasks/${seg(id)}/transition`, body, options)) as Task;
  }

  async claim(id: string, body: ClaimInput, options?: CallOptions): Promise<ClaimResult> {
    return (await this.post(`/v1/tasks/${seg(id)}/claim`, body, options)) as ClaimResult;
  }

  async heartbeatTask(id: string, body: TaskHeartbeatInput, options?: CallOptions): Promise<TaskHeartbeatResult> {
    return (await this.post(`/v1/tasks/${seg(id)}/heartbeat`, body, options)) as TaskHeartbeatResult;
  }

  async resetTask(id: string, body: ResetInput, options?: CallOptions): Promise<Task> {
    return (await this.post(`/v1/tasks/${seg(id)}/reset`, body, options)) as Task;
  }

  async taskEvents(id: string, query: EventQuery = {}, options?: CallOptions): Promise<Items<TrackerEvent>> {
    return (await this.get(`/v1/tasks/${seg(id)}/events`, { ...query }, options)) as Items<TrackerEvent>;
  }

  async replay(id: string, options?: CallOptions): Promise<Replay> {
    return (await this.get(`/v1/tasks/${seg(id)}/replay`, undefined, options)) as Replay;
  }

  async resetStuck(body: StuckResetInput, options?: CallOptions): Promise<StuckResetResult> {
    return (await this.post('/v1/stuck/reset', body, options)) as StuckResetResult;
  }

  async active(options?: CallOptions): Promise<Items<Task>> {
    return (await this.get('/v1/active', undefined, options)) as Items<Task>;
  }

  async history(query: HistoryQuery = {}, options?: CallOptions): Promise<HistoryPage> {
    return (await this.get('/v1/history', { ...query }, options)) as HistoryPage;
  }

  async cleanupHistory(body: CleanupInput, options?: CallOptions): Promise<CleanupResult> {
    return (await this.post('/v1/history/cleanup', body, options)) as CleanupResult;
  }

  // ---- Agents -------------------------------------------------------------------------------------------------------

  async heartbeatAgent(id: string, body: AgentHeartbeatInput = {}, options?: CallOptions): Promise<Agent> {
    return (await this.post(`/v1/agents/${seg(id)}/heartbeat`, body, options)) as Agent;
  }

  async listAgents(options?: CallOptions): Promise<Items<Agent>> {
    return (await this.get('/v1/agents', undefined, options)) as Items<Agent>;
  }

  async resetAgent(id: string, body: ResetInput, options?: CallOptions): Promise<AgentResetResult> {
    return (await this.post(`/v1/agents/${seg(id)}/reset`, body, options)) as AgentResetResult;
  }

  /** The agent's next task, or `null` when nothing is ready for it (204). */
  async next(agentId: string, body: NextInput = {}, options?: CallOptions): Promise<NextResult | null> {
    const result = await this.post(`/v1/agents/${seg(agentId)}/next`, body, options);
    return result === undefined ? null : (result as NextResult);
  }

  // ---- Work handles -------------------------------------------------------------------------------------------------

  /** Creates a task already `active` for `agentId` and returns a handle that keeps it alive while the work runs. */
  async startTask(input: StartTaskInput, options: Omit<TaskHandleOptions, 'agentId'> & CallOptions = {}): Promise<TaskHandle> {
    const { idempotencyKey, headers, signal, ...handleOptions } = options;
    const task = await this.createTask({ ...input, state: 'active' }, { idempotencyKey, headers, signal });
    return TaskHandle.begin(this, task, { ...handleOptions, agentId: input.agentId });
  }

  /** Claims the agent's next task; `null` when there is none. */
  async claimNext(agentId: string, options: Omit<TaskHandleOptions, 'agentId'> = {}): Promise<TaskHandle | null> {
    const next = await this.next(agentId, { claim: true, leaseMs: options.leaseMs });
    if (!next) return null;
    return TaskHandle.begin(this, next.task, { ...options, agentId, leaseToken: next.leaseToken });
  }

  /** Runs `work` as a task: done with its return value as the result, failed with its error. */
  async track<T extends Record<string, unknown> | void>(
    input: StartTaskInput,
    work: (task: TaskHandle) => Promise<T>,
    options: Omit<TaskHandleOptions, 'agentId'> = {},
  ): Promise<T> {
    const handle = await this.startTask(input, options);
    try {
      const value = await work(handle);
      await handle.done(value ? { ...value } : undefined);
      return value;
    } catch (error) {
      if (!handle.finished && !(error instanceof TrackerApiError && error.code === 'not_lease_holder')) {
        await handle.fail(error instanceof Error ? error.message : String(error)).catch(() => undefined);
      }
      throw error;
    } finally {
      handle.stop();
    }
  }

  // ---- Plumbing -----------------------------------------------------------------------------------------------------

  private async get(path: string, query: Record<string, QueryValue> | undefined, options?: CallOptions): Promise<unknown> {
    return this.http.request({ method: 'GET', path, query, ...options });
  }

  private async post(path: string, body: unknown, options?: CallOptions): Promise<unknown> {
    return this.http.request({ method: 'POST', path, body, ...options });
  }
}
