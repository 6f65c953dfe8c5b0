import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import WebSocket from 'ws';
import { buildOpenApiDocument } from '../../../daemon/src/server/openapi/index.js';
import { API, OPERATION_IDS, routePath, type ApiRoute } from '../../../daemon/src/protocol/index.js';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';
import { OpenApiTraffic } from '../support/openApiTraffic.js';

/** The routes of the contract's HTTP API, verbatim. */
const DESIGN_ROUTES = [
  'GET /healthz',
  'POST /v1/tasks',
  'GET /v1/tasks',
  'GET /v1/tasks/{id}',
  'PATCH /v1/tasks/{id}',
  'POST /v1/tasks/{id}/transition',
  'POST /v1/tasks/{id}/claim',
  'POST /v1/tasks/{id}/heartbeat',
  'POST /v1/tasks/{id}/reset',
  'GET /v1/tasks/{id}/events',
  'GET /v1/tasks/{id}/replay',
  'POST /v1/stuck/reset',
  'POST /v1/agents/{id}/heartbeat',
  'GET /v1/agents',
  'POST /v1/agents/{id}/reset',
  'POST /v1/agents/{id}/next',
  'GET /v1/active',
  'GET /v1/history',
  'POST /v1/history/cleanup',
  'POST /v1/events',
  'GET /v1/events',
  'POST /v1/hooks/{kind}',
  'GET /v1/stats',
  'GET /metrics',
  'GET /v1/backup',
  'GET /v1/stream',
];

/** The stream is a WebSocket route: served means the upgrade succeeds (101). */
async function assertUpgrades(url: string, token: string): Promise<void> {
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
  } finally {
    socket.close();
  }
}

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }>> };

function operations(doc: Doc): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
}

describe('openapi: the generated document', () => {
  const daemon = useDaemonProcess();

  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const validator = new Validator();
    const result = await validator.validate(buildOpenApiDocument('1.2.3'));
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, '3.1');
    assert.doesNotThrow(() => validator.resolveRefs());
  });

  it('documents every route of the design, the error format, auth and idempotency', () => {
    const doc = buildOpenApiDocument('1.2.3') as unknown as Doc & { components: Record<string, Record<string, unknown>> };
    const documented = operations(doc);
    for (const route of DESIGN_ROUTES) assert.ok(documented.includes(route), `${route} is documented`);
    assert.ok(doc.components.schemas?.Error, 'the error format');
    assert.ok(doc.components.securitySchemes?.bearer);
    assert.ok(doc.components.parameters?.IdempotencyKey);
    const create = doc.paths['/v1/tasks']?.post as unknown as { parameters: { $ref?: string }[]; responses: Record<string, unknown> };
    assert.ok(create.parameters.some((p) => p.$ref === '#/components/parameters/IdempotencyKey'));
    assert.ok(create.parameters.some((p) => p.$ref === '#/components/parameters/XIdempotencyKey'));
    for (const status of ['201', '400', '401', '403', '413', '422', '503']) assert.ok(create.responses[status], `create documents ${status}`);
  });

  it('is what the daemon serves at /v1/openapi.json', async () => {
    const served = await daemon.client.openapi();
    const { version } = await daemon.client.health();
    assert.deepEqual(served, JSON.parse(JSON.stringify(buildOpenApiDocument(version))));
  });

  it('every operation of the route table is served, and its answers are what the document and the table say', async () => {
    const task = await daemon.client.createTask({ title: 'probe', id: 'probe-task' });
    await daemon.client.heartbeatAgent('probe-agent');
    await daemon.client.transition(task.id, { to: 'active', agentId: 'probe-agent' });
    const budget = await daemon.client.setBudget({ id: 'probe-budget', period: 'day', usd: 1 });
    const traffic = new OpenApiTraffic(buildOpenApiDocument('x'));
    // Two webhooks: one the routes read, one the DELETE removes.
    const webhook = await daemon.client.createWebhook({ url: 'http://127.0.0.1:9/probe', events: ['task.failed'] });
    const doomed = await daemon.client.createWebhook({ url: 'http://127.0.0.1:9/doomed', events: ['task.failed'] });
    const paramOf = (operationId: string, path: string): string =>
      operationId === 'removeWebhook'
        ? doomed.id
        : path.startsWith('/v1/webhooks')
          ? webhook.id
          : path.startsWith('/v1/budgets')
            ? budget.id
            : path.startsWith('/v1/agents')
              ? 'probe-agent'
              : 'probe-task';
    for (const operationId of OPERATION_IDS) {
      const route: ApiRoute = API[operationId];
      if (operationId === 'stream') {
        await assertUpgrades(`${daemon.url.replace('http', 'ws')}/v1/stream?after=0`, daemon.token);
        continue;
      }
      const path = routePath(route, paramOf(operationId, route.path));
      const init: RequestInit = { method: route.method.toUpperCase(), headers: { authorization: `Bearer ${daemon.token}` } };
      // An empty body proves the route exists (400 at worst) without changing anything.
      if (route.method !== 'get') {
        init.body = route.bodyIsArrayOf ? '[]' : '{}';
        init.headers = { ...init.headers, 'content-type': 'application/json' };
      }
      const response = await fetch(`${daemon.url}${path}`, init);
      const text = await response.text();
      const label = `${route.method.toUpperCase()} ${route.path}`;
      assert.notEqual(response.status, 404, `${label} is served: ${text}`);
      traffic.check({ method: route.method.toUpperCase(), path, status: response.status, contentType: response.headers.get('content-type') ?? undefined, text });
      const documented = route.responses.find((r) => r.status === response.status);
      if (documented?.schema) {
        const parsed = documented.schema.safeParse(JSON.parse(text));
        assert.ok(parsed.success, `${label}: ${parsed.error?.message ?? ''}`);
      }
    }
  });

  it('the cleanup answer { removed, kept } is what the document allows', async () => {
    const traffic = new OpenApiTraffic(await daemon.client.openapi());
    const response = await fetch(`${daemon.url}/v1/history/cleanup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ olderThanDays: 3650 }),
    });
    const text = await response.text();
    assert.deepEqual(Object.keys(JSON.parse(text) as object).sort(), ['kept', 'removed']);
    traffic.check({ method: 'POST', path: '/v1/history/cleanup', status: response.status, contentType: response.headers.get('content-type') ?? undefined, text });
  });

  it('the traffic check refuses an answer the document does not allow', () => {
    const traffic = new OpenApiTraffic(buildOpenApiDocument('x'));
    const contentType = 'application/json';
    const extra = JSON.stringify({ removed: 0, kept: 0, surprise: true });
    assert.throws(() => traffic.check({ method: 'POST', path: '/v1/history/cleanup', status: 200, contentType, text: extra }), /breaks the document/);
    assert.throws(() => traffic.check({ method: 'GET', path: '/v1/agents', status: 418, contentType, text: '{}' }), /not documented/);
    assert.throws(() => traffic.check({ method: 'GET', path: '/metrics', status: 200, contentType, text: '{}' }), /content type/);
  });
});
