/**
 * GenAI spans arrive children first: OTel exports a span when it ends, so an agent's `invoke_agent` span comes after
 * its tool and model calls. With the SDK's simple span processor each span is an export of its own; with the batch
 * processor an agent run longer than one export interval splits the same way. The usage must be the same either way:
 * children that come before their agent span wait for it and are counted when it comes.
 */
import assert from 'node:assert/strict';
import { context, trace, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { WaitingSpans } from '../../../daemon/src/integrations/otlp/waitingSpans.js';
import type { OtlpSpan } from '../../../daemon/src/integrations/otlp/otlpJson.js';
import { parseExposition } from '../live/promText.js';
import { pollUntil } from '../../support/poll.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

describe('otlp: GenAI spans that arrive before their agent span', function () {
  this.timeout(30_000);
  let d: TestDaemon;
  const providers: BasicTracerProvider[] = [];

  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    for (const provider of providers) await provider.shutdown();
    await d?.close();
  });

  function tracerWith(makeProcessor: (exporter: OTLPTraceExporter) => SpanProcessor): { tracer: Tracer; provider: BasicTracerProvider } {
    const exporter = new OTLPTraceExporter({ url: `${d.daemon.url}/v1/traces`, headers: { Authorization: `Bearer ${d.daemon.token}` } });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'planner-service' }),
      spanProcessors: [makeProcessor(exporter)],
    });
    providers.push(provider);
    return { tracer: provider.getTracer('agent-framework'), provider };
  }

  /**
   * One agent run as a framework records it: invoke_agent, a framework step span (no GenAI operation) under it, and a
   * tool call and a model call under that step. The model call uses the newer convention's cache attribute names.
   */
  function startRun(tracer: Tracer, agentId: string): { root: Span; children: Span[] } {
    const root = tracer.startSpan('invoke_agent planner', {
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', 'gen_ai.agent.id': agentId },
    });
    const step = tracer.startSpan('plan step', {}, trace.setSpan(context.active(), root));
    const underStep = trace.setSpan(context.active(), step);
    const tool = tracer.startSpan(
      'execute_tool read_file',
      { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'read_file', 'gen_ai.tool.call.id': `call-${agentId}` } },
      underStep,
    );
    const chat = tracer.startSpan(
      'chat gpt-4o',
      {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.response.id': `resp-${agentId}`,
          'gen_ai.usage.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 300,
          'gen_ai.usage.cache_write.input_tokens': 40,
        },
      },
      underStep,
    );
    return { root, children: [tool, chat, step] };
  }

  async function finishedTask(root: Span): Promise<Task> {
    const { traceId, spanId } = root.spanContext();
    return pollUntil('the agent span\'s finished task', async () => {
      const res = await d.http.request<Task>('GET', `/v1/tasks/otel:${traceId}:${spanId}`);
      return res.status === 200 && res.body.state === 'done' ? res.body : undefined;
    });
  }

  function assertUsage(task: Task): void {
    assert.deepEqual(
      {
        input: task.usage?.inputTokens,
        output: task.usage?.outputTokens,
        cacheWrite: task.usage?.cacheWriteTokens,
        requests: task.usage?.requests,
        tools: task.usage?.toolCalls,
      },
      { input: 1200, output: 300, cacheWrite: 40, requests: 1, tools: 1 },
    );
    assert.equal(task.step, 'read_file');
  }

  async function waitingSpans(): Promise<number> {
    const res = await d.http.get('/metrics');
    const sample = parseExposition(res.text).samples.find((s) => s.name === 'agent_tracker_otlp_waiting_spans');
    assert.ok(sample, 'the waiting-spans gauge is served');
    return sample.value;
  }

  it('with the simple span processor (one export per span) the usage is counted when the agent span comes', async () => {
    const { tracer, provider } = tracerWith((exporter) => new SimpleSpanProcessor(exporter));
    const { root, children } = startRun(tracer, 'planner-simple');
    for (const child of children) child.end();
    await provider.forceFlush();
    assert.equal(await waitingSpans(), 3, 'the three children wait for their agent span');
    root.end();
    await provider.forceFlush();
    assertUsage(await finishedTask(root));
    assert.equal(await waitingSpans(), 0);
  });

  it('with the batch processor, an agent span that outlives an export interval still gets its children', async () => {
    const { tracer, provider } = tracerWith((exporter) => new BatchSpanProcessor(exporter, { scheduledDelayMillis: 50 }));
    const { root, children } = startRun(tracer, 'planner-long');
    for (const child of children) child.end();
    // The children are exported while the agent still runs.
    await provider.forceFlush();
    const { traceId, spanId } = root.spanContext();
    assert.equal((await d.http.request('GET', `/v1/tasks/otel:${traceId}:${spanId}`)).status, 404, 'no task before its agent span');
    root.end();
    await provider.forceFlush();
    assertUsage(await finishedTask(root));
  });

  it('children exported after their agent span are counted at once, as before', async () => {
    const { tracer, provider } = tracerWith((exporter) => new BatchSpanProcessor(exporter));
    const { root, children } = startRun(tracer, 'planner-batch');
    for (const child of children) child.end();
    root.end();
    await provider.forceFlush();
    assertUsage(await finishedTask(root));
  });
});

describe('otlp: spans waiting for an ancestor are bounded', () => {
  const span = (traceId: string, spanId: string): OtlpSpan => ({
    traceId,
    spanId,
    parentSpanId: 'ffffffffffffffff',
    name: 'chat',
    attributes: { 'gen_ai.operation.name': 'chat' },
    resource: {},
    failed: false,
  });

  it('gives up the earliest spans past the count limit and reports how many', () => {
    const waiting = new WaitingSpans({ maxSpans: 3, maxAgeMs: 60_000 });
    assert.equal(waiting.keep([span('t1', 'a'), span('t1', 'b'), span('t2', 'c')], 0), 0);
    assert.equal(waiting.keep([span('t3', 'd'), span('t3', 'e')], 1), 2);
    assert.equal(waiting.size, 3);
    // t1 lost both of its spans; what is left of t2 and t3 comes back with them.
    assert.deepEqual(waiting.takeFor([span('t1', 'x')]).spans, []);
    assert.deepEqual(waiting.takeFor([span('t3', 'y'), span('t2', 'z')]).spans.map((s) => s.spanId).sort(), ['c', 'd', 'e']);
    assert.equal(waiting.size, 0);
  });

  it('gives up spans that waited longer than the age limit, counted from their first arrival', () => {
    const waiting = new WaitingSpans({ maxSpans: 100, maxAgeMs: 60_000 });
    waiting.keep([span('t1', 'a')], 0);
    // Taken out and kept again (its ancestors still missing): it keeps its first arrival time.
    const taken = waiting.takeFor([span('t1', 'other')]);
    waiting.keep(taken.spans, 30_000, taken.since);
    waiting.keep([span('t2', 'b')], 50_000);
    assert.equal(waiting.evict(61_000), 1);
    assert.deepEqual(waiting.takeFor([span('t2', 'q')]).spans.map((s) => s.spanId), ['b']);
  });
});
