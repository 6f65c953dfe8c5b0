/**
 * Every route of the HTTP API as data: the one table the daemon mounts its handlers from, the OpenAPI document is
 * generated from, the client builds its calls and checks its answers with, and the route tests walk.
 */
import { z } from 'zod';
import { MAX_LIST_LIMIT } from './limits.js';
import { FeedQuerySchema, HistoryQuerySchema, IdParam, StreamQuerySchema, TaskListQuerySchema, WebhookDeliveriesQuerySchema } from './queries.js';
import {
  AgentItemsSchema,
  AgentResetResultSchema,
  BatchResponseSchema,
  ClaimResultSchema,
  CleanupResultSchema,
  EventItemsSchema,
  HealthSchema,
  HistoryPageSchema,
  HookAcceptedSchema,
  NextResultSchema,
  OpenApiDocumentSchema,
  StatsSchema,
  StuckResetResultSchema,
  TaskHeartbeatResultSchema,
  TaskItemsSchema,
  TaskPageSchema,
} from './responses.js';
import {
  AgentHeartbeatBody,
  AgentSchema,
  ClaimBody,
  CleanupBody,
  CommandSchema,
  CreateTaskBody,
  NextBody,
  PatchTaskBody,
  ReplaySchema,
  ResetBody,
  StuckResetBody,
  TaskHeartbeatBody,
  TaskSchema,
  TransitionBody,
} from './schemas.js';
import { TASK_STATES } from './states.js';
import { APPROVAL_STATES, ApprovalDecisionBody, ApprovalItemsSchema, ApprovalListQuerySchema, ApprovalSchema } from './approvals.js';
import { CreateWebhookBody, DeliveryItemsSchema, WebhookItemsSchema, WebhookRemovedSchema, WebhookSchema, DeliverySchema } from './webhooks.js';
import { LoginCodeSchema } from './login.js';
import { BudgetBody, BudgetItemsSchema, BudgetRemovedSchema, BudgetSchema } from './budgets.js';

export type Method = 'get' | 'post' | 'patch' | 'delete';
export type JsonSchema = Record<string, unknown>;

/** A query parameter as the document describes it (the route's zod `query` schema parses it). */
export interface QueryParamDoc {
  name: string;
  schema: JsonSchema;
  description: string;
}

export interface RouteResponse {
  status: number;
  description: string;
  /** The JSON body; text and other bodies name their media type instead. */
  schema?: z.ZodType;
  mediaType?: string;
}

export interface ApiRoute {
  method: Method;
  /** OpenAPI template: `/v1/tasks/{id}`; `{id}` is the one path parameter. */
  path: string;
  summary: string;
  tag: 'health' | 'tasks' | 'agents' | 'events' | 'hooks' | 'history' | 'stats' | 'meta' | 'approvals' | 'webhooks' | 'board' | 'budgets';
  /** `/healthz` is the one route without a bearer token. */
  public?: boolean;
  /** The path parameters (`{id}`), parsed before anything else of the request. */
  params?: z.ZodType;
  query?: { schema: z.ZodType; params: readonly QueryParamDoc[] };
  /** The JSON body; the batch route takes an array of `item`, each line validated on its own. */
  body?: z.ZodType;
  bodyIsArrayOf?: z.ZodType;
  /** The body may be left out (`{}` then). */
  bodyOptional?: boolean;
  /** A body of no schema of ours (an agent's own payload), described in words; the handler reads it raw. */
  rawBody?: string;
  /** The error statuses, where they are not the usual ones for its method and body. */
  errors?: readonly number[];
  ifMatch?: boolean;
  responses: readonly RouteResponse[];
}

const str = (description: string): JsonSchema => ({ type: 'string', description });
const int = (min: number, max?: number): JsonSchema => ({ type: 'integer', minimum: min, ...(max ? { maximum: max } : {}) });
const states: JsonSchema = { type: 'string', description: `comma-separated states: ${TASK_STATES.join(', ')}` };
const limit: QueryParamDoc = { name: 'limit', schema: int(1, MAX_LIST_LIMIT), description: 'page size (default 100, max 1000)' };
const after: QueryParamDoc = { name: 'after', schema: int(0), description: 'only events with a greater seq' };

const ok = <S extends z.ZodType>(schema: S, description = 'OK') => ({ status: 200 as const, description, schema });

/** The batch route validates each line on its own, so that one bad line never refuses the others. */
export const BatchBody = z.array(z.unknown()).max(10_000);

const route = <const R extends ApiRoute>(r: R): R => r;

export const API = {
  health: route({
    method: 'get', path: '/healthz', summary: 'Liveness, version, the last event seq and the store\'s health',
    tag: 'health', public: true, responses: [ok(HealthSchema)],
  }),
  createTask: route({
    method: 'post', path: '/v1/tasks', summary: 'Create a task', tag: 'tasks', body: CreateTaskBody,
    responses: [{ status: 201, description: 'Created', schema: TaskSchema }, ok(TaskSchema, 'Replayed: the stored response of this Idempotency-Key')],
  }),
  listTasks: route({
    method: 'get', path: '/v1/tasks', summary: 'List tasks', tag: 'tasks',
    query: {
      schema: TaskListQuerySchema,
      params: [
        { name: 'state', schema: states, description: 'only these states' },
        { name: 'agentId', schema: str('assignee'), description: 'only this assignee' },
        { name: 'tag', schema: str('tag'), description: 'only tasks with this tag' },
        { name: 'parentId', schema: str('parent task id'), description: 'only subtasks of this task' },
        { name: 'requestId', schema: str('triggering request'), description: 'only tasks of this request' },
        { name: 'stuck', schema: { type: 'boolean' }, description: 'only stuck tasks' },
        { name: 'q', schema: str('text'), description: 'text in the id, title, description, step or type (any case)' },
        limit,
        { name: 'cursor', schema: str('from nextCursor'), description: 'continue a listing' },
      ],
    },
    responses: [ok(TaskPageSchema)],
  }),
  getTask: route({ method: 'get', path: '/v1/tasks/{id}', params: IdParam, summary: 'One task', tag: 'tasks', responses: [ok(TaskSchema)] }),
  updateTask: route({
    method: 'patch', path: '/v1/tasks/{id}', params: IdParam, summary: 'Update non-state fields', tag: 'tasks', body: PatchTaskBody, ifMatch: true,
    responses: [ok(TaskSchema)],
  }),
  transitionTask: route({
    method: 'post', path: '/v1/tasks/{id}/transition', params: IdParam, summary: 'Move a task through the state machine', tag: 'tasks',
    body: TransitionBody, responses: [ok(TaskSchema)],
  }),
  claimTask: route({
    method: 'post', path: '/v1/tasks/{id}/claim', params: IdParam, summary: 'Claim a task with a lease (one winner): it becomes assigned',
    tag: 'tasks', body: ClaimBody, responses: [ok(ClaimResultSchema)],
  }),
  heartbeatTask: route({
    method: 'post', path: '/v1/tasks/{id}/heartbeat', params: IdParam, summary: "Renew the holder's lease", tag: 'tasks', body: TaskHeartbeatBody,
    responses: [ok(TaskHeartbeatResultSchema)],
  }),
  resetTask: route({
    method: 'post', path: '/v1/tasks/{id}/reset', params: IdParam, summary: 'Operator reset out of any state', tag: 'tasks', body: ResetBody,
    responses: [ok(TaskSchema)],
  }),
  taskEvents: route({
    method: 'get', path: '/v1/tasks/{id}/events', params: IdParam, summary: "A task's events in seq order", tag: 'events',
    query: { schema: FeedQuerySchema, params: [after, limit] }, responses: [ok(EventItemsSchema)],
  }),
  replayTask: route({
    method: 'get', path: '/v1/tasks/{id}/replay', params: IdParam, summary: "Fold a task's events and compare with the stored task", tag: 'tasks',
    responses: [ok(ReplaySchema)],
  }),
  resetStuck: route({
    method: 'post', path: '/v1/stuck/reset', summary: "Reset every stuck task, or one agent's", tag: 'tasks', body: StuckResetBody,
    responses: [ok(StuckResetResultSchema)],
  }),
  heartbeatAgent: route({
    method: 'post', path: '/v1/agents/{id}/heartbeat', params: IdParam, summary: 'Register or refresh an agent', tag: 'agents',
    body: AgentHeartbeatBody, bodyOptional: true, responses: [ok(AgentSchema)],
  }),
  listAgents: route({ method: 'get', path: '/v1/agents', summary: 'All agents', tag: 'agents', responses: [ok(AgentItemsSchema)] }),
  resetAgent: route({
    method: 'post', path: '/v1/agents/{id}/reset', params: IdParam, summary: "Reset an agent's assigned and active tasks", tag: 'agents',
    body: ResetBody, responses: [ok(AgentResetResultSchema)],
  }),
  nextTask: route({
    method: 'post', path: '/v1/agents/{id}/next', params: IdParam, summary: "The agent's next task, optionally claimed", tag: 'agents',
    body: NextBody, bodyOptional: true,
    responses: [ok(NextResultSchema), { status: 204, description: 'Nothing is ready for this agent' }],
  }),
  activeTasks: route({
    method: 'get', path: '/v1/active', summary: 'Tasks being worked on, and the stuck ones', tag: 'tasks',
    responses: [ok(TaskItemsSchema)],
  }),
  history: route({
    method: 'get', path: '/v1/history', summary: 'Finished tasks, newest completion first', tag: 'history',
    query: {
      schema: HistoryQuerySchema,
      params: [
        limit,
        { name: 'offset', schema: int(0), description: 'skip this many' },
        { name: 'state', schema: states, description: 'only these states' },
        { name: 'agentId', schema: str('assignee'), description: 'only this assignee' },
        { name: 'jobType', schema: { type: 'string', enum: ['manual', 'scheduled', 'api'] }, description: 'only this job type' },
        { name: 'since', schema: { type: 'string', format: 'date-time' }, description: 'completed at or after' },
      ],
    },
    responses: [ok(HistoryPageSchema)],
  }),
  cleanupHistory: route({
    method: 'post', path: '/v1/history/cleanup', summary: 'Remove finished tasks older than N days', tag: 'history',
    body: CleanupBody, responses: [ok(CleanupResultSchema)],
  }),
  ingestEvents: route({
    method: 'post', path: '/v1/events', summary: 'Batch of commands (the inbox line format)', tag: 'events',
    body: BatchBody, bodyIsArrayOf: CommandSchema, responses: [ok(BatchResponseSchema)],
  }),
  listEvents: route({
    method: 'get', path: '/v1/events', summary: 'The global event feed, for catch-up', tag: 'events',
    query: { schema: FeedQuerySchema, params: [after, limit] }, responses: [ok(EventItemsSchema)],
  }),
  stream: route({
    method: 'get', path: '/v1/stream', tag: 'events',
    summary: 'WebSocket: every event after `after`, then {"type":"live"}, then live events (frames: StreamFrame)',
    query: { schema: StreamQuerySchema, params: [after] },
    responses: [{ status: 101, description: 'Switching to the WebSocket protocol; frames follow the StreamFrame schema' }],
  }),
  ingestHook: route({
    method: 'post', path: '/v1/hooks/{kind}', tag: 'hooks',
    summary:
      'One raw hook payload of an agent (kind: claude-code, codex, gemini-cli, ...); headers X-Agent-Pid, X-Observed-At, and ' +
      'X-Agent-Tracker-Wait: N (seconds) from a permission hook that waits up to N s for the user\'s decision on the approval it records',
    rawBody: 'the payload exactly as the agent passes it to its hook; one that cannot be read is counted, not refused',
    errors: [401, 403, 413, 503],
    responses: [{ status: 202, description: 'Accepted: how many tracker changes it made, and what the hook prints for its agent', schema: HookAcceptedSchema }],
  }),
  listApprovals: route({
    method: 'get', path: '/v1/approvals', summary: 'Approvals (what agents ask the user to decide), newest first', tag: 'approvals',
    query: {
      schema: ApprovalListQuerySchema,
      params: [{ name: 'state', schema: { type: 'string', description: `comma-separated: ${APPROVAL_STATES.join(', ')}` }, description: 'only these states' }],
    },
    responses: [ok(ApprovalItemsSchema)],
  }),
  decideApproval: route({
    method: 'post', path: '/v1/approvals/{id}/decision', params: IdParam, tag: 'approvals',
    summary:
      'Allow or deny a pending approval (the first decision wins: later ones and ones past the deadline get 409 conflict); ' +
      'where it came from: body `via` or header X-Agent-Tracker-Via (default api)',
    body: ApprovalDecisionBody, responses: [ok(ApprovalSchema)],
  }),
  listBudgets: route({
    method: 'get', path: '/v1/budgets', summary: 'Spending budgets with their spend, forecast and state this period', tag: 'budgets',
    responses: [ok(BudgetItemsSchema)],
  }),
  setBudget: route({
    method: 'post', path: '/v1/budgets', tag: 'budgets',
    summary: 'Set a budget (the same period and scope, or the same id, replaces it: a larger usd raises it)',
    body: BudgetBody,
    responses: [{ status: 201, description: 'Created', schema: BudgetSchema }, ok(BudgetSchema, 'Changed (or unchanged)')],
  }),
  removeBudget: route({
    method: 'delete', path: '/v1/budgets/{id}', params: IdParam, summary: 'Remove a budget', tag: 'budgets',
    errors: [400, 401, 403, 404, 503], responses: [ok(BudgetRemovedSchema)],
  }),
  stats: route({ method: 'get', path: '/v1/stats', summary: 'Counts, mean times and success rate', tag: 'stats', responses: [ok(StatsSchema)] }),
  metrics: route({
    method: 'get', path: '/metrics', summary: 'Prometheus metrics', tag: 'stats',
    responses: [{ status: 200, description: 'Prometheus text format', mediaType: 'text/plain' as const }],
  }),
  backup: route({
    method: 'get', path: '/v1/backup', tag: 'meta',
    summary: 'A consistent backup of the whole registry as of one seq (JSON Lines; restore with agent-tracker restore)',
    responses: [{ status: 200, description: 'The backup, one JSON value per line', mediaType: 'application/x-ndjson' as const }],
  }),
  listWebhooks: route({
    method: 'get', path: '/v1/webhooks', summary: 'Registered webhooks (secrets are never shown)', tag: 'webhooks',
    responses: [ok(WebhookItemsSchema)],
  }),
  createWebhook: route({
    method: 'post', path: '/v1/webhooks', summary: 'Register a webhook: a URL, the events it wants, a format and an optional signing secret',
    tag: 'webhooks', body: CreateWebhookBody,
    responses: [{ status: 201, description: 'Created', schema: WebhookSchema }, ok(WebhookSchema, 'Replayed: the webhook this Idempotency-Key made')],
  }),
  removeWebhook: route({
    method: 'delete', path: '/v1/webhooks/{id}', params: IdParam, summary: 'Remove a webhook (its pending deliveries are dropped)', tag: 'webhooks',
    responses: [ok(WebhookRemovedSchema)],
  }),
  webhookDeliveries: route({
    method: 'get', path: '/v1/webhooks/{id}/deliveries', params: IdParam, summary: "A webhook's delivery log, newest first", tag: 'webhooks',
    query: { schema: WebhookDeliveriesQuerySchema, params: [limit] }, responses: [ok(DeliveryItemsSchema)],
  }),
  testWebhook: route({
    method: 'post', path: '/v1/webhooks/{id}/test', params: IdParam, summary: 'Queue a test delivery to one webhook', tag: 'webhooks',
    responses: [{ status: 202, description: 'Queued: follow it in the delivery log', schema: DeliverySchema }],
  }),
  createLoginCode: route({
    method: 'post', path: '/v1/login-codes', tag: 'board',
    summary: 'A one-time code for the web board: open <url>/login?code=<code> within 60 s (bearer token only)',
    responses: [{ status: 201, description: 'Created', schema: LoginCodeSchema }],
  }),
  openapi: route({
    method: 'get', path: '/v1/openapi.json', summary: 'This document', tag: 'meta',
    responses: [ok(OpenApiDocumentSchema, 'The OpenAPI 3.1 document')],
  }),
} as const satisfies Record<string, ApiRoute>;

export type OperationId = keyof typeof API;

type BodyOf<R> = R extends { schema: infer S extends z.ZodType } ? z.output<S> : R extends { mediaType: 'text/plain' } ? string : undefined;
/** What an operation answers with when it succeeds: the union of its documented bodies (`undefined` for 204). */
export type OperationResponse<K extends OperationId> = BodyOf<(typeof API)[K]['responses'][number]>;
export const OPERATION_IDS = Object.keys(API) as OperationId[];

/** `/v1/tasks/{id}` with its one path parameter filled in (encoded). */
export function routePath(route: ApiRoute, param?: string): string {
  if (!route.path.includes('{')) return route.path;
  if (param === undefined) throw new Error(`${route.path} needs a path parameter`);
  return route.path.replace(/\{\w+\}/, encodeURIComponent(param));
}
