/**
 * GenAI spans through OpenTelemetry's own JS SDK and OTLP/HTTP exporters, as any instrumented agent framework sends
 * them, in both encodings (`http/json` and `http/protobuf`): an `invoke_agent` span with `execute_tool` and `chat`
 * children becomes an agent, a task with the tool call on its record and the tokens on its usage.
 */
import assert from 'node:assert/strict';
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Agent, Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { pollUntil } from '../../support/poll.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

const EXPORTERS = { 'http/json': JsonTraceExporter, 'http/protobuf': ProtobufTraceExporter } as const;

for (const [protocol, Exporter] of Object.entries(EXPORTERS)) describe(`otlp: GenAI spans from the OpenTelemetry JS SDK (${protocol})`, function () {
  this.timeout(30_000);
  let d: TestDaemon;
  let provider: BasicTracerProvider;

  before(async () => {
    d = await startTestDaemon();
    const exporter = new Exporter({ url: `${d.daemon.url}/v1/traces`, headers: { Authorization: `Bearer ${d.daemon.token}` } });
    provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'research-service' }),
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
  });
  after(async () => {
    await provider?.shutdown();
    await d?.close();
  });

  /** One agent run: invoke_agent, then a tool call and a model call under it. */
  function runAgent(agentId: string, fail: boolean): { traceId: string; spanId: string } {
    const tracer = provider.getTracer('agent-framework');
    const root = tracer.startSpan('invoke_agent researcher', {
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'researcher', 'gen_ai.agent.id': agentId },
    });
    const parent = trace.setSpan(context.active(), root);
    const tool = tracer.startSpan(
      'execute_tool web_search',
      { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'web_search', 'gen_ai.tool.call.id': `call-${agentId}` } },
      parent,
    );
    tool.end();
    const chat = tracer.startSpan(
      'chat gpt-4o',
      {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.response.id': `resp-${agentId}`,
          'gen_ai.usage.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 345,
        },
      },
      parent,
    );
    chat.end();
    if (fail) root.setStatus({ code: SpanStatusCode.ERROR, message: 'the model refused' });
    root.end();
    const { traceId, spanId } = root.spanContext();
    return { traceId, spanId };
  }

  it('an agent and its task appear, with the tool call on the record and the tokens on the task', async () => {
    const { traceId, spanId } = runAgent('researcher-1', false);
    await provider.forceFlush();
    const taskId = `otel:${traceId}:${spanId}`;
    const task = await pollUntil('the agent span\'s task', async () => {
      const res = await d.http.request<Task>('GET', `/v1/tasks/${taskId}`);
      return res.status === 200 && res.body.state === 'done' ? res.body : undefined;
    });
    assert.equal(task.agentId, 'researcher-1');
    assert.equal(task.title, 'invoke_agent researcher');
    assert.equal(task.step, 'web_search');
    assert.deepEqual(
      { input: task.usage?.inputTokens, output: task.usage?.outputTokens, requests: task.usage?.requests, tools: task.usage?.toolCalls, model: task.usage?.model },
      { input: 1200, output: 345, requests: 1, tools: 1, model: 'gpt-4o' },
    );
    const events = (await d.http.request<{ items: TrackerEvent[] }>('GET', `/v1/tasks/${taskId}/events`)).body.items;
    assert.ok(events.some((e) => e.type === 'task.log' && /^web_search succeeded/.test(String(e.data.message))), JSON.stringify(events));
    const agents = (await d.http.request<{ items: Agent[] }>('GET', '/v1/agents')).body.items;
    const agent = agents.find((a) => a.id === 'researcher-1');
    assert.equal(agent?.name, 'researcher');
    assert.equal(agent?.usage?.inputTokens, 1200);
  });

  it('an agent span that ends in error fails its task with the status message', async () => {
    const { traceId, spanId } = runAgent('researcher-2', true);
    await provider.forceFlush();
    const task = await pollUntil('the failed task', async () => {
      const res = await d.http.request<Task>('GET', `/v1/tasks/otel:${traceId}:${spanId}`);
      return res.status === 200 && res.body.state === 'failed' ? res.body : undefined;
    });
    assert.equal(task.lastError?.message, 'the model refused');
    assert.equal(task.usage?.outputTokens, 345);
  });
});
