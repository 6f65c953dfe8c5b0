/** Typed methods for every route of the daemon's HTTP API, each one an operation of the protocol's route table. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { bestEffort, describeError, API, MAX_LIST_LIMIT, routePath, type ApiRoute, type OperationId, type OperationResponse } from '../protocol/index.js';
import type {
  Agent,
  AgentHeartbeatInput,
  Approval,
  ApprovalDecisionInput,
  ApprovalState,
  Budget,
  BudgetInput,
  ClaimInput,
  CleanupInput,
  Command,
  CreateWebhookInput,
  Delivery,
  LoginCode,
  Webhook,
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
import { locateDaemon, type DaemonEndpoint, type DiscoverOptions } from '../home/discovery.js';
import { DaemonUnreachableError, refusal, TrackerApiError } from './errors.js';
import { EventStream, type EventStreamOptions } from './eventStream.js';
import { TaskHandle, type TaskHandleOptions } from './taskHandle.js';
import { HttpTransport, type CallOptions, type HttpMethod, type QueryValue, type TransportOptions } from './transport.js';
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

export interface ClientOptions extends TransportOptions {
  /**
   * The task this process works under: a task created without a `parentId` becomes its child (nested work). `connect`
   * takes it from `AGENT_TRACKER_TASK_ID`, which `agent-tracker run` sets for its command.
   */
  parentTaskId?: string;
}

export interface ConnectOptions extends DiscoverOptions, ClientOptions {}

/** A task created already running, by the agent that runs it. */
export type StartTaskInput = Omit<CreateTaskInput, 'state' | 'agentId'> & { agentId: string };

/** Like `locateDaemon`, but a daemon that cannot be found is a `DaemonUnreachableError` saying how to start one. */
export async function discoverDaemon(options: DiscoverOptions = {}): Promise<DaemonEndpoint> {
  const location = await locateDaemon(options);
  if (!location.found) throw new DaemonUnreachableError(location.reason);
  return location.endpoint;
}


export class TrackerClient {
  readonly http: HttpTransport;
  readonly parentTaskId: string | undefined;

  constructor(
    readonly endpoint: DaemonEndpoint,
    options: ClientOptions = {},
  ) {
    this.http = new HttpTransport(endpoint, options);
    this.parentTaskId = options.parentTaskId || undefined;
  }

  /** Finds the daemon (see `discoverDaemon`) and returns a client for it; makes no request. */
  static async connect(options: ConnectOptions = {}): Promise<TrackerClient> {
    const env = options.env ?? process.env;
    const parentTaskId = options.parentTaskId ?? env.AGENT_TRACKER_TASK_ID;
    return new TrackerClient(await discoverDaemon(options), { ...options, parentTaskId });
  }

  // ---- Health and feeds ---------------------------------------------------------------------------------------------

  async health(options?: CallOptions): Promise<Health> {
    return this.call('health', {}, options);
  }

  async events(query: EventQuery = {}, options?: CallOptions): Promise<Items<TrackerEvent>> {
    return this.call('listEvents', { query: { ...query } }, options);
  }

  async ingest(commands: readonly Command[], options?: CallOptions): Promise<BatchResponse> {
    const nested = commands.map((command) => (command.op === 'create' ? this.nested(command) : command));
    return this.call('ingestEvents', { body: nested }, options);
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
    return this.call('stats', {}, options);
  }

  async metrics(options?: CallOptions): Promise<string> {
    return this.call('metrics', {}, options);
  }

  async openapi(options?: CallOptions): Promise<Record<string, unknown>> {
    return this.call('openapi', {}, options);
  }

  /** `GET /v1/backup`: the whole registry as of one seq, in the backup format (JSON Lines), as a byte stream. */
  async backup(options?: CallOptions): Promise<ReadableStream<Uint8Array>> {
    return this.http.openStream(API.backup.path, options);
  }

  /** Follows `/v1/stream` from `after`, reconnecting with the last seq seen. */
  stream(options: EventStreamOptions): EventStream {
    return new EventStream(this.endpoint, options);
  }

  // ---- Tasks --------------------------------------------------------------------------------------------------------

  /** Without a `parentId` (null: none), a task created under `parentTaskId` becomes its child. */
  async createTask(body: CreateTaskInput, options?: CallOptions): Promise<Task> {
    return this.call('createTask', { body: this.nested(body) }, options);
  }

  async listTasks(query: TaskQuery = {}, options?: CallOptions): Promise<TaskPage> {
    return this.call('listTasks', { query: { ...query } }, options);
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
    return this.call('getTask', { id }, options);
  }

  /** `ifMatch`: the version the change is based on; a newer stored version is 409 `version_conflict`. */
  async updateTask(id: string, patch: PatchTaskInput, options: CallOptions & { ifMatch?: number } = {}): Promise<Task> {
    const { ifMatch, ...call } = options;
    const headers = ifMatch === undefined ? call.headers : { ...call.headers, 'if-match': String(ifMatch) };
    return this.call('updateTask', { id, body: patch }, { ...call, headers });
  }

  async transition(id: string, body: TransitionInput, options?: CallOptions): Promise<Task> {
    return this.call('transitionTask', { id, body }, options);
  }

  async claim(id: string, body: ClaimInput, options?: CallOptions): Promise<ClaimResult> {
    return this.call('claimTask', { id, body }, options);
  }

  async heartbeatTask(id: string, body: TaskHeartbeatInput, options?: CallOptions): Promise<TaskHeartbeatResult> {
    return this.call('heartbeatTask', { id, body }, options);
  }

  async resetTask(id: string, body: ResetInput, options?: CallOptions): Promise<Task> {
    return this.call('resetTask', { id, body }, options);
  }

  async taskEvents(id: string, query: EventQuery = {}, options?: CallOptions): Promise<Items<TrackerEvent>> {
    return this.call('taskEvents', { id, query: { ...query } }, options);
  }

  /** Every event of a task, page by page. */
  async allTaskEvents(id: string, options?: CallOptions): Promise<TrackerEvent[]> {
    const events: TrackerEvent[] = [];
    for (;;) {
      const page = (await this.taskEvents(id, { after: events.at(-1)?.seq ?? 0, limit: MAX_LIST_LIMIT }, options)).items;
      events.push(...page);
      if (page.length < MAX_LIST_LIMIT) return events;
    }
  }

  async replay(id: string, options?: CallOptions): Promise<Replay> {
    return this.call('replayTask', { id }, options);
  }

  async resetStuck(body: StuckResetInput, options?: CallOptions): Promise<StuckResetResult> {
    return this.call('resetStuck', { body }, options);
  }

  async active(options?: CallOptions): Promise<Items<Task>> {
    return this.call('activeTasks', {}, options);
  }

  async history(query: HistoryQuery = {}, options?: CallOptions): Promise<HistoryPage> {
    return this.call('history', { query: { ...query } }, options);
  }

  async cleanupHistory(body: CleanupInput, options?: CallOptions): Promise<CleanupResult> {
    return this.call('cleanupHistory', { body }, options);
  }

  // ---- Agents -------------------------------------------------------------------------------------------------------

  async heartbeatAgent(id: string, body: AgentHeartbeatInput = {}, options?: CallOptions): Promise<Agent> {
    return this.call('heartbeatAgent', { id, body }, options);
  }

  async listAgents(options?: CallOptions): Promise<Items<Agent>> {
    return this.call('listAgents', {}, options);
  }

  async resetAgent(id: string, body: ResetInput, options?: CallOptions): Promise<AgentResetResult> {
    return this.call('resetAgent', { id, body }, options);
  }

  /** The agent's next task, or `null` when nothing is ready for it (204). */
  async next(agentId: string, body: NextInput = {}, options?: CallOptions): Promise<NextResult | null> {
    return (await this.call('nextTask', { id: agentId, body }, options)) ?? null;
  }

  // ---- Approvals ----------------------------------------------------------------------------------------------------

  /** Approvals, newest first; only those in `state` when given (`pending`: what waits for the user now). */
  async listApprovals(state?: ApprovalState | readonly ApprovalState[], options?: CallOptions): Promise<Items<Approval>> {
    return this.call('listApprovals', { query: { state: typeof state === 'string' ? state : state?.join(',') } }, options);
  }

  /**
   * Allows or denies a pending approval; the first decision wins (409 `conflict` after it, or past the deadline).
   * `via` says where the decision came from (`cli`, `vscode`, `web`, ...).
   */
  async decideApproval(id: string, body: ApprovalDecisionInput, options?: CallOptions): Promise<Approval> {
    return this.call('decideApproval', { id, body }, options);
  }

  // ---- Webhooks and the board -------------------------------------------------------------------------------------------

  async listWebhooks(options?: CallOptions): Promise<Items<Webhook>> {
    return this.call('listWebhooks', {}, options);
  }

  async createWebhook(body: CreateWebhookInput, options?: CallOptions): Promise<Webhook> {
    return this.call('createWebhook', { body }, options);
  }

  async removeWebhook(id: string, options?: CallOptions): Promise<{ removed: true; id: string }> {
    return this.call('removeWebhook', { id }, options);
  }

  async webhookDeliveries(id: string, query: { limit?: number } = {}, options?: CallOptions): Promise<Items<Delivery>> {
    return this.call('webhookDeliveries', { id, query: { ...query } }, options);
  }

  /** Queues a test delivery; follow it with `webhookDeliveries`. */
  async testWebhook(id: string, options?: CallOptions): Promise<Delivery> {
    return this.call('testWebhook', { id }, options);
  }

  /** A one-time login link for the web board (works once, within 60 s). */
  async createLoginCode(options?: CallOptions): Promise<LoginCode> {
    return this.call('createLoginCode', {}, options);
  }

  // ---- Budgets ------------------------------------------------------------------------------------------------------

  /** Every budget with its spend, forecast and state in its current period. */
  async listBudgets(options?: CallOptions): Promise<Items<Budget>> {
    return this.call('listBudgets', {}, options);
  }

  /** Sets a budget: the same period and scope (or the same `id`) replaces the one there, so a larger `usd` raises it. */
  async setBudget(body: BudgetInput, options?: CallOptions): Promise<Budget> {
    return this.call('setBudget', { body }, options);
  }

  async removeBudget(id: string, options?: CallOptions): Promise<{ removed: Budget }> {
    return this.call('removeBudget', { id }, options);
  }

  // ---- Work handles -------------------------------------------------------------------------------------------------

  /** Creates a task already `active` for `agentId` and returns a handle that keeps it alive while the work runs. */
  async startTask(input: StartTaskInput, options: Omit<TaskHandleOptions, 'agentId'> & CallOptions = {}): Promise<TaskHandle> {
    const { idempotencyKey, headers, signal, ...handleOptions } = options;
    const task = await this.createTask({ ...input, state: 'active' }, { idempotencyKey, headers, signal });
    return TaskHandle.begin(this, task, { ...handleOptions, agentId: input.agentId });
  }

  /**
   * Claims the agent's next task (the claim leaves it `assigned` with a lease) and starts it (`active`); `null` when
   * there is none. The handle renews the lease while the work runs.
   */
  async claimNext(agentId: string, options: Omit<TaskHandleOptions, 'agentId'> = {}): Promise<TaskHandle | null> {
    const next = await this.next(agentId, { claim: true, leaseMs: options.leaseMs });
    if (!next) return null;
    const handle = TaskHandle.begin(this, next.task, { ...options, agentId, leaseToken: next.leaseToken });
    try {
      await handle.start();
    } catch (error) {
      handle.stop();
      throw error;
    }
    return handle;
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
        await bestEffort(handle.fail(describeError(error)));
      }
      throw error;
    } finally {
      handle.stop();
    }
  }

  // ---- Plumbing -----------------------------------------------------------------------------------------------------

  private nested<T extends { parentId?: string | null }>(body: T): T {
    return body.parentId === undefined && this.parentTaskId ? { ...body, parentId: this.parentTaskId } : body;
  }

  /**
   * One operation of the route table: its method and path from the table, and its answer checked against the schema
   * the table documents for that status. An answer outside the contract is `unexpected_response`, never believed.
   */
  private async call<K extends OperationId>(operation: K, input: OperationInput, options?: CallOptions): Promise<OperationResponse<K>> {
    const route: ApiRoute = API[operation];
    const text = route.responses.some((r) => r.mediaType === 'text/plain');
    const { status, body } = await this.http.request({
      method: route.method.toUpperCase() as HttpMethod,
      path: routePath(route, input.id),
      query: input.query,
      body: input.body,
      text,
      ...options,
    });
    const documented = route.responses.find((r) => r.status === status);
    if (!documented) throw new TrackerApiError(status, 'unexpected_response', `${operation}: undocumented status ${status}`);
    if (!documented.schema) return body as OperationResponse<K>;
    const parsed = documented.schema.safeParse(body);
    if (!parsed.success) {
      throw new TrackerApiError(status, 'unexpected_response', `${operation}: the answer breaks the contract: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data as OperationResponse<K>;
  }
}

interface OperationInput {
  id?: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
}
