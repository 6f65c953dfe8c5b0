/**
 * OTLP/protobuf log records (OpenTelemetry's default encoding, `http/protobuf`) through the OpenTelemetry JS SDK's own
 * logs SDK and OTLP proto exporter, in the shape Claude Code exports: usage and cost land on the session's agent and
 * current task as with OTLP/JSON. Bytes that are not an export request, and messages nested past the bound, are 400
 * and change nothing.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { Agent, Task } from '../../../daemon/src/protocol/index.js';
import { pollUntil } from '../../support/poll.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

const SESSION = '0b7a9c1e-2222-4000-8000-00000000beef';
const AGENT = `claude-code:${SESSION}`;

/** A length-delimited protobuf field: what nests one message in another. */
function field(number: number, bytes: Uint8Array): Buffer {
  const varint = (n: number) => {
    const out: number[] = [];
    for (; n >= 0x80; n >>>= 7) out.push((n & 0x7f) | 0x80);
    out.push(n);
    return out;
  };
  return Buffer.concat([Buffer.from(varint((number << 3) | 2)), Buffer.from(varint(bytes.length)), bytes]);
}

/** An ExportLogsServiceRequest whose one record has an attribute `depth` arrays deep. */
function nestedLogs(depth: number): Buffer {
  let value = field(1, Buffer.from('deep')); // AnyValue.string_value
  for (let i = 0; i < depth; i++) value = field(5, field(1, value)); // AnyValue.array_value { values }
  const attribute = Buffer.concat([field(1, Buffer.from('nested')), field(2, value)]); // KeyValue
  return field(1, field(2, field(2, field(6, attribute)))); // request.resource_logs.scope_logs.log_records.attributes
}

describe('otlp: log records as protobuf from the OpenTelemetry JS SDK', function () {
  this.timeout(30_000);
  let d: TestDaemon;
  let provider: LoggerProvider;

  before(async () => {
    d = await startTestDaemon();
    const exporter = new OTLPLogExporter({ url: `${d.daemon.url}/v1/logs`, headers: { Authorization: `Bearer ${d.daemon.token}` } });
    provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.197' }),
      processors: [new BatchLogRecordProcessor(exporter)],
    });
  });
  after(async () => {
    await provider?.shutdown();
    await d?.close();
  });

  const task = async (id: string) => (await d.http.request<Task>('GET', `/v1/tasks/${id}`)).body;
  const post = (body: Buffer, headers: Record<string, string> = {}) =>
    d.http.request<{ error?: { code: string } }>('POST', '/v1/logs', { rawBody: body, headers: { 'content-type': 'application/x-protobuf', ...headers } });

  it('Claude Code api_request and tool_result records: usage, cost and the tool call on the session\'s task, once', async () => {
    assert.equal((await d.http.request('POST', '/v1/tasks', { body: { id: 'proto-turn', title: 'Fix the build', state: 'active', agentId: AGENT } })).status, 201);
    const logger = provider.getLogger('com.anthropic.claude_code.events');
    const common = { 'session.id': SESSION, 'prompt.id': 'prompt-1' };
    for (const [i, requestId] of ['req_p1', 'req_p2', 'req_p1'].entries()) {
      logger.emit({
        body: 'claude_code.api_request',
        attributes: {
          ...common,
          'event.name': 'api_request',
          'event.timestamp': new Date().toISOString(),
          'event.sequence': i,
          model: 'claude-sonnet-4-5',
          input_tokens: 100,
          output_tokens: 20,
          cache_read_tokens: 3000,
          cache_creation_tokens: 50,
          cost_usd: 0.0125,
          duration_ms: 800,
          request_id: requestId,
        },
      });
    }
    logger.emit({ body: 'claude_code.tool_result', attributes: { ...common, 'event.name': 'tool_result', tool_name: 'Bash', success: 'true', duration_ms: 40, tool_use_id: 'toolu_p1' } });
    await provider.forceFlush();
    const done = await pollUntil('the records applied', async () => {
      const t = await task('proto-turn');
      return t.usage?.toolCalls === 1 && t.usage.requests === 2 ? t : undefined;
    });
    assert.deepEqual(
      { ...done.usage },
      { inputTokens: 200, outputTokens: 40, cacheReadTokens: 6000, cacheWriteTokens: 100, costUsd: 0.025, requests: 2, toolCalls: 1, model: 'claude-sonnet-4-5' },
    );
    assert.equal(done.step, 'Bash');
    const agents = (await d.http.request<{ items: Agent[] }>('GET', '/v1/agents')).body.items;
    assert.equal(agents.find((a) => a.id === AGENT)?.meta.kind, 'claude-code');
  });

  it('gzip and an empty body are read; the answer is an empty protobuf message', async () => {
    const before = d.daemon.tracker.state.seq;
    const empty = await post(Buffer.alloc(0));
    assert.equal(empty.status, 200, empty.text);
    assert.equal(empty.headers['content-type'], 'application/x-protobuf');
    assert.equal(empty.text, '');
    const zipped = await post(gzipSync(nestedLogs(3)), { 'content-encoding': 'gzip' });
    assert.equal(zipped.status, 200, zipped.text);
    assert.equal(d.daemon.tracker.state.seq, before, 'records that map to nothing change nothing');
  });

  it('bytes that are not an export request, and nesting past the bound, are 400 and change nothing; no token is 401', async () => {
    const seq = d.daemon.tracker.state.seq;
    const bad = [
      Buffer.from([0x0a, 0x05, 0x01]), // a field longer than the body
      Buffer.from([0x0b]), // a start-group tag: no OTLP message has one
      Buffer.from('{"resourceLogs":[]}'), // JSON sent as protobuf
      nestedLogs(40), // within protobuf's own recursion limit, past the JSON bound
      nestedLogs(5000),
    ];
    for (const body of bad) {
      const res = await post(body);
      assert.equal(res.status, 400, `${body.subarray(0, 8).toString('hex')}: ${res.text}`);
      assert.equal(res.body.error?.code, 'validation_failed');
    }
    assert.equal(d.daemon.tracker.state.seq, seq);
    const anonymous = await d.http.request('POST', '/v1/logs', { rawBody: nestedLogs(1), headers: { 'content-type': 'application/x-protobuf' }, token: null });
    assert.equal(anonymous.status, 401);
  });
});
