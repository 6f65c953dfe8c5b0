/** Every route of the daemon (DESIGN.md "HTTP API"), as data: the OpenAPI paths are generated from this table. */
import { MAX_LIST_LIMIT, TASK_STATES } from '../protocol/index.js';
import type { JsonSchema } from './schemas.js';

export type Method = 'get' | 'post' | 'patch';

export interface QueryParam {
  name: string;
  schema: JsonSchema;
  description: string;
}

export interface RouteResponse {
  status: number;
  description: string;
  /** A component schema name; text responses name their media type instead. */
  schema?: string;
  mediaType?: string;
}

export interface Route {
  method: Method;
  /** OpenAPI template: `/v1/tasks/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: 'health' | 'tasks' | 'agents' | 'events' | 'hooks' | 'history' | 'stats' | 'meta';
  /** `/healthz` is the one route without a bearer token. */
  public?: boolean;
  query?: readonly QueryParam[];
  /** Component schema of the JSON body; `Command[]` is written as `Command` with `bodyIsArray`. */
  body?: string;
  bodyIsArray?: boolean;
  /** A body of no schema of ours (an agent's own payload), described in words. */
  rawBody?: string;
  /** The error statuses, where they are not the usual ones for its method and body. */
  errors?: readonly number[];
  ifMatch?: boolean;
  responses: readonly RouteResponse[];
}

const str = (description: string): QueryParam['schema'] => ({ type: 'string', description });
const int = (min: number, max?: number): JsonSchema => ({ type: 'integer', minimum: min, ...(max ? { maximum: max } : {}) });
const states = {
  type: 'string',
  description: `comma-separated states: ${TASK_STATES.join(', ')}`,
};
const limit: QueryParam = { name: 'limit', schema: int(1, MAX_LIST_LIMIT), description: 'page size (default 100, max 1000)' };
const after: QueryParam = { name: 'after', schema: int(0), description: 'only events with a greater seq' };

const ok = (schema: string, description = 'OK'): RouteResponse => ({ status: 200, description, schema });

export const ROUTES: readonly Route[] = [
  {
    method: 'get', path: '/healthz', operationId: 'health', summary: 'Liveness, version and the last event seq',
    tag: 'health', public: true, responses: [ok('Health')],
  },
  {
    method: 'post', path: '/v1/tasks', operationId: 'createTask', summary: 'Create a task', tag: 'tasks',
    body: 'CreateTaskBody', responses: [{ status: 201, description: 'Created', schema: 'Task' }, ok('Task', 'Replayed: the stored response of this Idempotency-Key')],
  },
  {
    method: 'get', path: '/v1/tasks', operationId: 'listTasks', summary: 'List tasks', tag: 'tasks',
    query: [
      { name: 'state', schema: states, description: 'only these states' },
      { name: 'agentId', schema: str('assignee'), description: 'only this assignee' },
      { name: 'tag', schema: str('tag'), description: 'only tasks with this tag' },
      { name: 'parentId', schema: str('parent task id'), description: 'only subtasks of this task' },
      { name: 'requestId', schema: str('triggering request'), description: 'only tasks of this request' },
      { name: 'stuck', schema: { type: 'boolean' }, description: 'only stuck tasks' },
      { name: 'q', schema: str('text'), description: 'text search in title and description' },
      limit,
      { name: 'cursor', schema: str('from nextCursor'), description: 'continue a listing' },
    ],
    responses: [ok('TaskPage')],
  },
  { method: 'get', path: '/v1/tasks/{id}', operationId: 'getTask', summary: 'One task', tag: 'tasks', responses: [ok('Task')] },
  {
    method: 'patch', path: '/v1/tasks/{id}', operationId: 'updateTask', summary: 'Update non-state fields', tag: 'tasks',
    body: 'PatchTaskBody', ifMatch: true, responses: [ok('Task')],
  },
  {
    method: 'post', path: '/v1/tasks/{id}/transition', operationId: 'transitionTask', summary: 'Move a task through the state machine',
    tag: 'tasks', body: 'TransitionBody', responses: [ok('Task')],
  },
  {
    method: 'post', path: '/v1/tasks/{id}/claim', operationId: 'claimTask', summary: 'Claim a task with a lease (one winner)',
    tag: 'tasks', body: 'ClaimBody', responses: [ok('ClaimResult')],
  },
  {
    method: 'post', path: '/v1/tasks/{id}/heartbeat', operationId: 'heartbeatTask', summary: "Renew the holder's lease",
    tag: 'tasks', body: 'TaskHeartbeatBody', responses: [ok('TaskHeartbeatResult')],
  },
  {
    method: 'post', path: '/v1/tasks/{id}/reset', operationId: 'resetTask', summary: 'Operator reset out of any state',
    tag: 'tasks', body: 'ResetBody', responses: [ok('Task')],
  },
  {
    method: 'get', path: '/v1/tasks/{id}/events', operationId: 'taskEvents', summary: "A task's events in seq order",
    tag: 'events', query: [after, limit], responses: [ok('EventItems')],
  },
  {
    method: 'get', path: '/v1/tasks/{id}/replay', operationId: 'replayTask', summary: "Fold a task's events and compare with the stored task",
    tag: 'tasks', responses: [ok('Replay')],
  },
  {
    method: 'post', path: '/v1/stuck/reset', operationId: 'resetStuck', summary: "Reset every stuck task, or one agent's",
    tag: 'tasks', body: 'StuckResetBody', responses: [ok('StuckResetResult')],
  },
  {
    method: 'post', path: '/v1/agents/{id}/heartbeat', operationId: 'heartbeatAgent', summary: 'Register or refresh an agent',
    tag: 'agents', body: 'AgentHeartbeatBody', responses: [ok('Agent')],
  },
  { method: 'get', path: '/v1/agents', operationId: 'listAgents', summary: 'All agents', tag: 'agents', responses: [ok('AgentItems')] },
  {
    method: 'post', path: '/v1/agents/{id}/reset', operationId: 'resetAgent', summary: "Reset an agent's assigned and active tasks",
    tag: 'agents', body: 'ResetBody', responses: [ok('AgentResetResult')],
  },
  {
    method: 'post', path: '/v1/agents/{id}/next', operationId: 'nextTask', summary: "The agent's next task, optionally claimed",
    tag: 'agents', body: 'NextBody', responses: [ok('NextResult'), { status: 204, description: 'Nothing is ready for this agent' }],
  },
  {
    method: 'get', path: '/v1/active', operationId: 'activeTasks', summary: 'Tasks being worked on, and the stuck ones',
    tag: 'tasks', responses: [ok('TaskItems')],
  },
  {
    method: 'get', path: '/v1/history', operationId: 'history', summary: 'Finished tasks, newest completion first', tag: 'history',
    query: [
      limit,
      { name: 'offset', schema: int(0), description: 'skip this many' },
      { name: 'state', schema: states, description: 'only these states' },
      { name: 'agentId', schema: str('assignee'), description: 'only this assignee' },
      { name: 'jobType', schema: { type: 'string', enum: ['manual', 'scheduled', 'api'] }, description: 'only this job type' },
      { name: 'since', schema: { type: 'string', format: 'date-time' }, description: 'completed at or after' },
    ],
    responses: [ok('HistoryPage')],
  },
  {
    method: 'post', path: '/v1/history/cleanup', operationId: 'cleanupHistory', summary: 'Remove finished tasks older than N days',
    tag: 'history', body: 'CleanupBody', responses: [ok('CleanupResult')],
  },
  {
    method: 'post', path: '/v1/events', operationId: 'ingestEvents', summary: 'Batch of commands (the inbox line format)',
    tag: 'events', body: 'Command', bodyIsArray: true, responses: [ok('BatchResponse')],
  },
  {
    method: 'get', path: '/v1/events', operationId: 'listEvents', summary: 'The global event feed, for catch-up', tag: 'events',
    query: [after, limit], responses: [ok('EventItems')],
  },
  {
    method: 'get', path: '/v1/stream', operationId: 'stream', tag: 'events',
    summary: 'WebSocket: every event after `after`, then {"type":"live"}, then live events (frames: StreamFrame)',
    query: [after],
    responses: [{ status: 101, description: 'Switching to the WebSocket protocol; frames follow the StreamFrame schema' }],
  },
  {
    method: 'post', path: '/v1/hooks/{kind}', operationId: 'ingestHook', tag: 'hooks',
    summary: 'One raw hook payload of an agent (kind: claude-code, codex, gemini-cli, ...); headers X-Agent-Pid, X-Observed-At',
    rawBody: 'the payload exactly as the agent passes it to its hook; one that cannot be read is counted, not refused',
    errors: [401, 403, 413, 503],
    responses: [{ status: 202, description: 'Accepted: how many tracker changes it made', schema: 'HookAccepted' }],
  },
  { method: 'get', path: '/v1/stats', operationId: 'stats', summary: 'Counts, mean times and success rate', tag: 'stats', responses: [ok('Stats')] },
  {
    method: 'get', path: '/metrics', operationId: 'metrics', summary: 'Prometheus metrics', tag: 'stats',
    responses: [{ status: 200, description: 'Prometheus text format', mediaType: 'text/plain' }],
  },
  {
    method: 'get', path: '/v1/backup', operationId: 'backup', tag: 'meta',
    summary: 'A consistent backup of the whole registry as of one seq (JSON Lines; restore with agent-tracker restore)',
    responses: [{ status: 200, description: 'The backup, one JSON value per line', mediaType: 'application/x-ndjson' }],
  },
  {
    method: 'get', path: '/v1/openapi.json', operationId: 'openapi', summary: 'This document', tag: 'meta',
    responses: [{ status: 200, description: 'The OpenAPI 3.1 document', mediaType: 'application/json' }],
  },
];
