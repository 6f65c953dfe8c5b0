/**
 * The OTLP/HTTP receiver with log records in the shapes Claude Code and Codex export, and with bodies that are not
 * OTLP at all: usage and tool calls land on the session's agent and current task, each model request counts once
 * whichever source reports it, records that map to nothing are counted and dropped, and bad input is a 4xx.
 */
import assert from 'node:assert/strict';
import type { Agent, Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';
import { parseExposition } from '../live/promText.js';

type Value = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
const attrs = (values: Record<string, string | number | boolean>) =>
  Object.entries(values).map(([key, v]): { key: string; value: Value } => ({
    key,
    value:
      typeof v === 'string'
        ? { stringValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : Number.isInteger(v)
            ? { intValue: String(v) }
            : { doubleValue: v },
  }));

/** An ExportLogsServiceRequest with one resource and the given records (`body` is what Claude Code puts there). */
function logs(service: string, records: { body?: string; attributes: Record<string, string | number | boolean> }[]) {
  const now = `${BigInt(Date.now()) * 1_000_000n}`;
  return {
    resourceLogs: [
      {
        resource: { attributes: attrs({ 'service.name': service, 'service.version': '2.1.197' }) },
        scopeLogs: [
          {
            scope: { name: `com.anthropic.${service}.events` },
            logRecords: records.map((r) => ({
              timeUnixNano: now,
              observedTimeUnixNano: now,
              ...(r.body ? { body: { stringValue: r.body } } : {}),
              attributes: attrs(r.attributes),
            })),
          },
        ],
      },
    ],
  };
}

const SESSION = '6f1e2d3c-0000-4000-8000-1234567890ab';
const AGENT = `claude-code:${SESSION}`;

function claudeApiRequest(requestId: string, input: number, output: number) {
  return {
    body: 'claude_code.api_request',
    attributes: {
      'event.name': 'api_request',
      'session.id': SESSION,
      'prompt.id': 'prompt-1',
      model: 'claude-sonnet-4-5',
      input_tokens: input,
      output_tokens: output,
      cache_read_tokens: 1000,
      cache_creation_tokens: 200,
      cost_usd: 0.0123,
      duration_ms: 900,
      request_id: requestId,
    },
  };
}

describe('otlp: agent log records and malformed bodies', function () {
  this.timeout(30_000);
  let d: TestDaemon;
  before(async () => (d = await startTestDaemon()));
  after(async () => d?.close());

  const post = (signal: string, body: unknown) => d.http.request<{ error?: { code: string; message: string } }>('POST', `/v1/${signal}`, { body });
  const task = async (id: string) => (await d.http.request<Task>('GET', `/v1/tasks/${id}`)).body;
  const agent = async (id: string) => (await d.http.request<{ items: Agent[] }>('GET', '/v1/agents')).body.items.find((a) => a.id === id);

  it('Claude Code: api_request usage and cost land on the session\'s current task and agent, once per request', async () => {
    const created = await d.http.request('POST', '/v1/tasks', { body: { id: 'turn-1', title: 'Fix the build', state: 'active', agentId: AGENT } });
    assert.equal(created.status, 201);
    const first = await post('logs', logs('claude-code', [claudeApiRequest('req_011', 10, 50), claudeApiRequest('req_012', 20, 70)]));
    assert.equal(first.status, 200, JSON.stringify(first.body));
    // The exporter retries a batch it thinks was lost: nothing counts twice.
    assert.equal((await post('logs', logs('claude-code', [claudeApiRequest('req_012', 20, 70)]))).status, 200);
    // The same request read from the transcript by the hooks (the usage command with the same request key).
    const fromTranscript = await d.http.request<{ results: { ok: boolean }[] }>('POST', '/v1/events', {
      body: [{ op: 'usage', taskId: 'turn-1', inputTokens: 10, outputTokens: 50, requestId: `${AGENT}:req_011` }],
    });
    assert.equal(fromTranscript.body.results[0]?.ok, true);

    const usage = (await task('turn-1')).usage;
    assert.deepEqual(
      { ...usage },
      { inputTokens: 30, outputTokens: 120, cacheReadTokens: 2000, cacheWriteTokens: 400, costUsd: 0.0246, requests: 2, toolCalls: 0, model: 'claude-sonnet-4-5' },
    );
    assert.equal((await agent(AGENT))?.usage?.costUsd, 0.0246);
  });

  it('Claude Code: a tool_result sets the step and logs the call; a repeat of the same call is ignored', async () => {
    const toolResult = {
      body: 'claude_code.tool_result',
      attributes: { 'event.name': 'tool_result', 'session.id': SESSION, tool_name: 'Bash', success: 'true', duration_ms: '1530', tool_use_id: 'toolu_1' },
    };
    assert.equal((await post('logs', logs('claude-code', [toolResult, toolResult]))).status, 200);
    const t = await task('turn-1');
    assert.equal(t.step, 'Bash');
    assert.equal(t.usage?.toolCalls, 1);
    const events = (await d.http.request<{ items: TrackerEvent[] }>('GET', '/v1/tasks/turn-1/events')).body.items;
    assert.deepEqual(events.filter((e) => e.type === 'task.log').map((e) => e.data.message), ['Bash succeeded in 1.5 s']);
  });

  it('Codex: response usage and tool results land on codex:<conversation id>, registered as a Codex session', async () => {
    const conversation = '0199aa00-1111-7000-8000-00000000c0de';
    const common = { 'conversation.id': conversation, model: 'gpt-5-codex' };
    const result = await post(
      'logs',
      logs('codex_exec', [
        { attributes: { ...common, 'event.name': 'codex.conversation_starts' } },
        {
          attributes: {
            ...common,
            'event.name': 'codex.sse_event',
            'event.kind': 'response.completed',
            input_token_count: 5000,
            output_token_count: 300,
            cached_token_count: 4000,
            reasoning_token_count: 100,
          },
        },
        { attributes: { ...common, 'event.name': 'codex.tool_result', tool_name: 'exec_command', call_id: 'call_9', success: 'false', duration_ms: 40 } },
      ]),
    );
    assert.equal(result.status, 200);
    const codex = await agent(`codex:${conversation}`);
    assert.equal(codex?.meta.kind, 'codex');
    assert.equal(codex?.meta.sessionId, conversation);
    assert.deepEqual(
      { input: codex?.usage?.inputTokens, cached: codex?.usage?.cacheReadTokens, output: codex?.usage?.outputTokens, requests: codex?.usage?.requests, tools: codex?.usage?.toolCalls },
      { input: 1000, cached: 4000, output: 300, requests: 1, tools: 1 },
    );
  });

  it('records that map to nothing are counted and dropped; usage is in /v1/stats and /metrics', async () => {
    const before = (await d.http.request<{ otlp: { dropped: { logs: number; metrics: number } } }>('GET', '/v1/stats')).body.otlp;
    const unmapped = logs('some-service', [{ body: 'hello', attributes: { 'event.name': 'user_prompt' } }, { attributes: { foo: 1 } }]);
    assert.equal((await post('logs', unmapped)).status, 200);
    const metrics = {
      resourceMetrics: [
        { scopeMetrics: [{ metrics: [{ name: 'claude_code.token.usage', sum: { dataPoints: [{ asDouble: 5 }, { asDouble: 6 }] } }] }] },
      ],
    };
    assert.equal((await post('metrics', metrics)).status, 200);
    const stats = (await d.http.request<{ otlp: { dropped: { logs: number; metrics: number } } }>('GET', '/v1/stats')).body;
    assert.equal(stats.otlp.dropped.logs, before.dropped.logs + 2);
    assert.equal(stats.otlp.dropped.metrics, before.dropped.metrics + 2);

    const text = (await d.http.request('GET', '/metrics')).text;
    const { samples } = parseExposition(text);
    const value = (name: string, labels: Record<string, string>) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    assert.equal(value('agent_tracker_tokens_total', { agent: AGENT, kind: 'input' }), 30);
    assert.equal(value('agent_tracker_tokens_total', { agent: AGENT, kind: 'cache_read' }), 2000);
    assert.equal(value('agent_tracker_cost_usd_total', { agent: AGENT }), 0.0246);
    assert.equal(value('agent_tracker_otlp_records_total', { signal: 'logs', result: 'dropped' }), stats.otlp.dropped.logs);
  });

  it('malformed bodies and other media types are 400 and change nothing; no token is 401', async () => {
    const seq = d.daemon.tracker.state.seq;
    for (const body of ['{not json', '[]', '"text"', '{"resourceLogs":"x"}', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":7}]}]}]}']) {
      const res = await d.http.request<{ error: { code: string } }>('POST', '/v1/logs', { rawBody: body, headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 400, body);
      assert.equal(res.body.error.code, 'validation_failed');
    }
    const badSpan = await post('traces', { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x' }] }] }] });
    assert.equal(badSpan.status, 400);
    assert.equal(d.daemon.tracker.state.seq, seq);

    const text = await d.http.request<{ error: { code: string } }>('POST', '/v1/logs', { rawBody: 'hello', headers: { 'content-type': 'text/plain' } });
    assert.equal(text.status, 400);
    assert.equal(text.body.error.code, 'validation_failed');

    const anonymous = await d.http.request('POST', '/v1/logs', { body: logs('claude-code', [claudeApiRequest('req_x', 1, 1)]), token: null });
    assert.equal(anonymous.status, 401);
  });

  /** A Claude Code record with an attribute `depth` arrays deep, as JSON text. */
  const nestedBody = (depth: number, requestId: string) => {
    const nested = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"deep"}${']}}'.repeat(depth)}`;
    const body = logs('claude-code', [claudeApiRequest(requestId, 1, 1)]);
    return JSON.stringify(body).replace('"attributes":[', `"attributes":[{"key":"nested","value":${nested}},`);
  };

  it('an attribute value nested deeper than the tracker reads is cut off; the record still counts', async () => {
    const before = (await task('turn-1')).usage?.requests ?? 0;
    // 17 arrays: past the 16 levels of values read, within the bound on JSON nesting.
    const res = await d.http.request('POST', '/v1/logs', { rawBody: nestedBody(17, 'req_deep'), headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 200, res.text);
    assert.equal((await task('turn-1')).usage?.requests, before + 1);
  });

  it('an attribute without a string key is skipped and one named __proto__ is data: the record still counts, nothing is inherited', async () => {
    const before = (await task('turn-1')).usage?.requests ?? 0;
    const body = JSON.stringify(logs('claude-code', [claudeApiRequest('req_oddkeys', 1, 1)])).replace(
      '"attributes":[{"key":"event.name"',
      '"attributes":[{"key":7,"value":{"stringValue":"x"}},null,{"key":"event.name"',
    );
    const odd = await d.http.request('POST', '/v1/logs', { rawBody: body, headers: { 'content-type': 'application/json' } });
    assert.equal(odd.status, 200, odd.text);
    assert.equal((await task('turn-1')).usage?.requests, before + 1);

    // The session id only inside a `__proto__` attribute: were it the record's prototype, the record would name it.
    const smuggled = logs('claude-code', [claudeApiRequest('req_proto', 1, 1)]);
    const record = smuggled.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    record.attributes = [
      ...record.attributes.filter((a) => a.key !== 'session.id'),
      { key: '__proto__', value: { kvlistValue: { values: [{ key: 'session.id', value: { stringValue: 'smuggled' } }] } } as never },
    ];
    assert.equal((await post('logs', smuggled)).status, 200);
    assert.equal(await agent('claude-code:smuggled'), undefined);
  });

  it('a body nested past the bound on JSON nesting is 400 and changes nothing', async () => {
    const seq = d.daemon.tracker.state.seq;
    const res = await d.http.request<{ error: { code: string } }>('POST', '/v1/logs', { rawBody: nestedBody(3000, 'req_deeper'), headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.code, 'validation_failed');
    assert.equal(d.daemon.tracker.state.seq, seq);
  });
});
