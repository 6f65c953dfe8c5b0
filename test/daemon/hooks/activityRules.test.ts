/**
 * One set of rules for what agents report, whichever way they report it (test/daemon/hooks/adapters.test.ts covers what
 * each payload means; this covers what the applier makes of it): one payload is one commit, a tool call reported by
 * hooks and by OTLP is logged and counted once in either order, a tool call that ends resumes the turn that waited, and
 * an agent's turn is `manual` work whether its hooks or its spans report it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { homePaths } from '../../../daemon/src/home/home.js';
import { listSegments } from '../../../daemon/src/store/file/journal.js';
import { pollUntil } from '../../support/poll.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

const SESSION = 'rules-1';
const AGENT = `claude-code:${SESSION}`;
const TURN = `${AGENT}:p1`;

describe('activity: one set of rules whichever source reports', function () {
  this.timeout(30_000);
  let d: TestDaemon;
  beforeEach(async () => (d = await startTestDaemon()));
  afterEach(async () => d?.close());

  let observed = Date.parse('2026-12-01T10:00:00.000Z');
  /** A Claude Code hook payload, as its forwarder posts it. */
  async function hook(payload: Record<string, unknown>): Promise<void> {
    const body = { session_id: SESSION, cwd: '/w/app', prompt_id: 'p1', ...payload };
    const res = await d.http.request('POST', '/v1/hooks/claude-code', { body, headers: { 'x-observed-at': new Date((observed += 1000)).toISOString() } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
  }

  /** Claude Code's OTLP `tool_result` record of the call `toolUseId` in the turn. */
  async function toolResult(toolUseId: string): Promise<void> {
    const str = (stringValue: string) => ({ stringValue });
    const attributes = Object.entries({
      'session.id': str(SESSION),
      'prompt.id': str('p1'),
      'event.name': str('tool_result'),
      'event.timestamp': str(new Date(observed).toISOString()),
      tool_name: str('Bash'),
      tool_use_id: str(toolUseId),
      success: str('true'),
      duration_ms: { intValue: '12' },
    }).map(([key, value]) => ({ key, value }));
    const body = { resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords: [{ timeUnixNano: `${BigInt(observed) * 1_000_000n}`, body: str('claude_code.tool_result'), attributes }] }] }] };
    const res = await d.http.post('/v1/logs', body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }

  const task = async (id: string) => (await d.http.ok(d.http.get<Task>(`/v1/tasks/${id}`)));
  const logs = async (id: string) =>
    (await d.http.ok(d.http.get<{ items: TrackerEvent[] }>(`/v1/tasks/${id}/events`))).items.filter((e) => e.type === 'task.log');

  /** The commits the file store's log holds: each ends with its marker line. */
  const commits = () =>
    listSegments(homePaths(d.home).events).reduce((n, segment) => n + readFileSync(segment.path, 'utf8').split('\n').filter((line) => line.startsWith('{"commit":')).length, 0);

  it('one payload is one commit: a hook payload, an OTLP export, a batch of commands', async () => {
    let before = commits();
    // A new session's first prompt: the agent, the turn and the payload's at-most-once record.
    await hook({ hook_event_name: 'UserPromptSubmit', prompt: 'Count the commits' });
    assert.equal(commits() - before, 1);
    before = commits();
    await toolResult('toolu_9');
    assert.equal(commits() - before, 1);
    await toolResult('toolu_9');
    assert.equal(commits() - before, 1, 'the exporter\'s retry changes nothing, and writes nothing');
    before = commits();
    const lines = [1, 2, 3].map((i) => ({ op: 'log', taskId: TURN, message: `line ${i}`, id: `batch-${i}` }));
    assert.equal((await d.http.post('/v1/events', lines)).status, 200);
    assert.equal(commits() - before, 1);
    assert.equal((await logs(TURN)).filter((e) => (e.data as { message: string }).message.startsWith('line ')).length, 3);
  });

  it('an export\'s model requests on one task are one usage change: each counted once, summed into one event', async () => {
    await hook({ hook_event_name: 'UserPromptSubmit', prompt: 'Sum the usage' });
    const str = (stringValue: string) => ({ stringValue });
    const int = (n: number) => ({ intValue: String(n) });
    const logRecords = [1, 2, 3, 3].map((n) => ({
      timeUnixNano: `${BigInt(observed + n) * 1_000_000n}`,
      body: str('claude_code.api_request'),
      attributes: Object.entries({
        'session.id': str(SESSION),
        'prompt.id': str('p1'),
        'event.name': str('api_request'),
        'event.sequence': int(n),
        request_id: str(`req_${n}`),
        model: str('claude-sonnet-4-5'),
        input_tokens: int(100 * n),
        output_tokens: int(10),
        cost_usd: { doubleValue: 0.001 },
      }).map(([key, value]) => ({ key, value })),
    }));
    const body = { resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] };
    assert.equal((await d.http.post('/v1/logs', body)).status, 200);
    assert.equal((await d.http.post('/v1/logs', body)).status, 200, 'the exporter retries');
    const turn = await task(TURN);
    assert.deepEqual([turn.usage?.requests, turn.usage?.inputTokens, turn.usage?.costUsd], [3, 600, 0.003], 'req_3 sent twice counts once');
    const events = (await d.http.ok(d.http.get<{ items: TrackerEvent[] }>(`/v1/tasks/${TURN}/events`))).items;
    assert.equal(events.filter((e) => e.type === 'task.usage').length, 1);
  });

  for (const order of ['hooks first', 'OTLP first'] as const) {
    it(`a tool call reported by hooks and by OTLP is logged once and counted once (${order})`, async () => {
      await hook({ hook_event_name: 'UserPromptSubmit', prompt: 'List the files' });
      const post = () => hook({ hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: 'toolu_1', duration_ms: 12 });
      if (order === 'hooks first') {
        await post();
        await toolResult('toolu_1');
      } else {
        await toolResult('toolu_1');
        await post();
      }
      assert.equal((await logs(TURN)).length, 1, JSON.stringify(await logs(TURN)));
      assert.equal((await task(TURN)).usage?.toolCalls, 1);
    });
  }

  it('a tool call that ends resumes the turn that waited for the user', async () => {
    await hook({ hook_event_name: 'UserPromptSubmit', prompt: 'Clean the build' });
    await hook({ hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'rm -rf build' } });
    assert.equal((await task(TURN)).state, 'paused');
    await hook({ hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command: 'rm -rf build' }, tool_use_id: 'toolu_2', duration_ms: 5 });
    const resumed = await task(TURN);
    assert.equal(resumed.state, 'active');
    assert.equal(resumed.needsInput, null);
  });

  it('an agent turn is manual work whether its hooks or its GenAI spans report it', async () => {
    await hook({ hook_event_name: 'UserPromptSubmit', prompt: 'Fix the bug' });
    assert.equal((await task(TURN)).jobType, 'manual');
    const exporter = new OTLPTraceExporter({ url: `${d.daemon.url}/v1/traces`, headers: { Authorization: `Bearer ${d.daemon.token}` } });
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'research-service' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    try {
      const tracer = provider.getTracer('agent-framework');
      const root = tracer.startSpan('invoke_agent researcher', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': 'researcher-9' } });
      tracer.startSpan('execute_tool search', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' } }, trace.setSpan(context.active(), root)).end();
      root.end();
      const { traceId, spanId } = root.spanContext();
      const id = `otel:${traceId}:${spanId}`;
      const spanTask = await pollUntil('the agent span ended its task', async () => {
        const res = await d.http.get<Task>(`/v1/tasks/${id}`);
        return res.status === 200 && res.body.state === 'done' ? res.body : undefined;
      });
      assert.equal(spanTask.jobType, 'manual');
    } finally {
      await provider.shutdown();
    }
  });
});
