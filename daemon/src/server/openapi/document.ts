/** Assembles the OpenAPI 3.1 document of the daemon from the route table and the zod-generated schemas. */
import { API, ERROR_STATUS, type ApiRoute, type ErrorCode, type JsonSchema, type OperationId } from '../../protocol/index.js';
import { componentSchemas, schemaRef } from './schemas.js';

const PATH_PATTERNS: Record<string, string> = { id: '^[A-Za-z0-9._:-]{1,128}$', kind: '^[a-z0-9][a-z0-9-]{0,63}$' };

/** Which error responses each status stands for, from the contract's code table. */
function errorResponses(): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const [code, status] of Object.entries(ERROR_STATUS) as [ErrorCode, number][]) {
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, JsonSchema> = {};
  for (const [status, codes] of byStatus) {
    out[`E${status}`] = {
      description: `Error: ${codes.join(' | ')}`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return out;
}

/** The error statuses a route can answer with. Host and Origin are checked on every route, `/healthz` included. */
function errorStatuses(route: ApiRoute): number[] {
  if (route.errors) return [...route.errors];
  const statuses = new Set<number>([403]);
  if (route.public) return [...statuses];
  statuses.add(401).add(503);
  // A read's X-Agent-Tracker-Min-Seq is checked too.
  if (route.body || route.query || route.path.includes('{id}') || route.method === 'get') statuses.add(400);
  if (route.body) statuses.add(413);
  if (route.path.includes('{id}')) statuses.add(404);
  if (route.method !== 'get' && route.path !== '/v1/events') statuses.add(409);
  if (route.method === 'post') statuses.add(422);
  return [...statuses].sort((a, b) => a - b);
}

function operation(operationId: OperationId, route: ApiRoute): JsonSchema {
  const parameters: JsonSchema[] = [];
  for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
    parameters.push({ name, in: 'path', required: true, schema: { type: 'string', pattern: PATH_PATTERNS[name as string] } });
  }
  for (const q of route.query?.params ?? []) {
    parameters.push({ name: q.name, in: 'query', required: false, description: q.description, schema: q.schema });
  }
  if (route.method === 'post') {
    parameters.push({ $ref: '#/components/parameters/IdempotencyKey' }, { $ref: '#/components/parameters/XIdempotencyKey' });
  }
  if (route.ifMatch) parameters.push({ $ref: '#/components/parameters/IfMatch' });
  if (route.method === 'get' && !route.public) {
    parameters.push({ $ref: '#/components/parameters/MinSeq' }, { $ref: '#/components/parameters/MinSeqQuery' });
  }

  const responses: Record<string, JsonSchema> = {};
  for (const r of route.responses) {
    const content = r.schema
      ? { 'application/json': { schema: schemaRef(r.schema) } }
      : r.mediaType
        ? { [r.mediaType]: { schema: { type: 'string' } } }
        : undefined;
    responses[String(r.status)] = content ? { description: r.description, content } : { description: r.description };
  }
  for (const status of errorStatuses(route)) responses[String(status)] = { $ref: `#/components/responses/E${status}` };

  const op: JsonSchema = {
    operationId,
    summary: route.summary,
    tags: [route.tag],
    responses,
  };
  if (parameters.length) op.parameters = parameters;
  if (route.public) op.security = [];
  if (route.body) {
    const schema = route.bodyIsArrayOf ? { type: 'array', items: schemaRef(route.bodyIsArrayOf) } : schemaRef(route.body);
    op.requestBody = { required: !route.bodyOptional, content: { 'application/json': { schema } } };
  } else if (route.rawBody) {
    op.requestBody = { required: true, content: { 'application/json': { schema: { type: 'object', description: route.rawBody } } } };
  }
  return op;
}

export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [operationId, route] of Object.entries(API) as [OperationId, ApiRoute][]) {
    (paths[route.path] ??= {})[route.method] = operation(operationId, route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Agent Tracker daemon',
      version,
      description:
        'The local tracking daemon: agents report tasks, the VS Code extension follows them live. Loopback only; ' +
        'every route but /healthz needs the bearer token from <home>/token. Requests carrying an Origin header are ' +
        'refused. POST routes accept an Idempotency-Key (or X-Idempotency-Key): the same key with the same body returns the ' +
        'first response.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://127.0.0.1:7421', description: 'default local daemon' }],
    security: [{ bearer: [] }],
    tags: ['health', 'tasks', 'agents', 'events', 'hooks', 'approvals', 'history', 'stats', 'meta', 'webhooks', 'board'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'the content of <home>/token' } },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key', in: 'header', required: false,
          description: 'Makes a retry safe: the same key and body return the stored response; another body is 422.',
          schema: { type: 'string', minLength: 1, maxLength: 200 },
        },
        XIdempotencyKey: {
          name: 'X-Idempotency-Key', in: 'header', required: false,
          description: 'The same as Idempotency-Key (an older spelling); Idempotency-Key wins when both are sent.',
          schema: { type: 'string', minLength: 1, maxLength: 200 },
        },
        IfMatch: {
          name: 'If-Match', in: 'header', required: false,
          description: 'The version the change is based on; if the task has moved on: 409 version_conflict.',
          schema: { type: 'string' },
        },
        MinSeq: {
          name: 'X-Agent-Tracker-Min-Seq', in: 'header', required: false,
          description:
            'Read your writes across daemons: answered once this daemon holds this seq (a write\'s X-Agent-Tracker-Seq), ' +
            'waiting up to 2 s, then 503 unavailable with Retry-After.',
          schema: { type: 'integer', minimum: 0 },
        },
        MinSeqQuery: {
          name: 'minSeq', in: 'query', required: false,
          description: 'The same as X-Agent-Tracker-Min-Seq, for clients that cannot set headers.',
          schema: { type: 'integer', minimum: 0 },
        },
      },
      responses: errorResponses(),
      schemas: componentSchemas(),
    },
  };
}
