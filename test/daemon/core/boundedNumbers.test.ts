/**
 * Numbers are bounded: a usage count that is negative, not whole, or beyond MAX_USAGE_COUNT (a cost beyond
 * MAX_USAGE_COST_USD) is refused wherever it comes in (batch, inbox, OTLP, a hook's transcript) and changes nothing;
 * sums saturate, so usage never turns into `null` (JSON's Infinity) and `/metrics` keeps answering.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MAX_USAGE_COST_USD,
  MAX_USAGE_COUNT,
  MAX_USAGE_SUM,
  addUsage,
  usageDelta,
  type Agent,
  type Task,
} from '../../../daemon/src/protocol/index.js';
import { pollUntil } from '../../support/poll.js';
import { loadSession, replaySession } from '../hooks/recordedSession.js';
import { expectError } from '../support/http.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

interface BatchResult {
  ok: boolean;
  error?: { code: string; details?: { path: string }[] };
}

const SESSION = '6f1e2d3c-0000-4000-8000-00000000b0b0';

/** An OTLP logs export with one Claude Code api_request record of `tokens` input tokens. */
function apiRequest(requestId: string, tokens: string) {
  const now = `${BigInt(Date.now()) * 1_000_000n}`;
  const attributes = Object.entries({
    'event.name': { stringValue: 'api_request' },
    'session.id': { stringValue: SESSION },
    model: { stringValue: 'claude-sonnet-4-5' },
    input_tokens: { intValue: tokens },
    output_tokens: { intValue: '10' },
    cost_usd: { doubleValue: 0.01 },
    request_id: { stringValue: requestId },
  }).map(([key, value]) => ({ key, value }));
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
        scopeLogs: [{ logRecords: [{ timeUnixNano: now, body: { stringValue: 'claude_code.api_request' }, attributes }] }],
      },
    ],
  };
}

describe('core: usage numbers are bounded', function () {
  this.timeout(30_000);
  let d: TestDaemon;
  beforeEach(async () => {
    d = await startTestDaemon();
    await d.http.ok(d.http.post('/v1/tasks', { id: 'turn', title: 'A turn', state: 'active', agentId: 'coder' }));
  });
  afterEach(async () => d?.close());

  const batch = async (lines: unknown[]) => (await d.http.ok(d.http.post<{ results: BatchResult[] }>('/v1/events', lines))).results;
  const task = () => d.http.ok(d.http.get<Task>('/v1/tasks/turn'));
  const agent = async (id: string) => (await d.http.ok(d.http.get<{ items: Agent[] }>('/v1/agents'))).items.find((a) => a.id === id);
  const metricsAnswer = async () => (await d.http.request('GET', '/metrics')).status;

  it('batch: refuses counts past the bound, negative, fractional and absurd costs, line by line', async () => {
    const seq = (await d.http.ok(d.http.get<{ seq: number }>('/healthz'))).seq;
    const results = await batch([
      { op: 'usage', taskId: 'turn', inputTokens: 9e15 },
      { op: 'usage', taskId: 'turn', outputTokens: MAX_USAGE_COUNT + 1 },
      { op: 'usage', taskId: 'turn', cacheReadTokens: -1 },
      { op: 'usage', taskId: 'turn', requests: 1.5 },
      { op: 'usage', taskId: 'turn', costUsd: MAX_USAGE_COST_USD * 10 },
      { op: 'usage', taskId: 'turn', inputTokens: MAX_USAGE_COUNT, costUsd: MAX_USAGE_COST_USD, requestId: 'max' },
    ]);
    assert.deepEqual(results.map((r) => r.ok), [false, false, false, false, false, true]);
    for (const r of results.slice(0, 5)) assert.equal(r.error?.code, 'validation_failed');
    assert.deepEqual(results.slice(0, 5).map((r) => r.error?.details?.[0]?.path), ['inputTokens', 'outputTokens', 'cacheReadTokens', 'requests', 'costUsd']);
    const usage = (await task()).usage;
    assert.equal(usage?.inputTokens, MAX_USAGE_COUNT);
    assert.equal(usage?.costUsd, MAX_USAGE_COST_USD);
    // Only the one good report was written (a task.usage and an agent.usage).
    assert.equal((await d.http.ok(d.http.get<{ seq: number }>('/healthz'))).seq, seq + 2);
    assert.equal(await metricsAnswer(), 200);
  });

  it('inbox: a line past the bound is counted invalid and never applied', async () => {
    appendFileSync(
      join(d.home, 'inbox', 'usage.jsonl'),
      `${JSON.stringify({ op: 'usage', taskId: 'turn', inputTokens: 1e308 })}\n${JSON.stringify({ op: 'usage', taskId: 'turn', inputTokens: 5 })}\n`,
    );
    const stats = await pollUntil('both lines read', async () => {
      const { inbox } = await d.http.ok(d.http.get<{ inbox: { linesApplied: number; linesInvalid: number } }>('/v1/stats'));
      return inbox.linesApplied + inbox.linesInvalid === 2 ? inbox : undefined;
    });
    assert.deepEqual([stats.linesApplied, stats.linesInvalid], [1, 1]);
    assert.equal((await task()).usage?.inputTokens, 5);
  });

  it('OTLP: an export with 1e308 tokens is refused whole (400); twice does not turn usage into null or break /metrics', async () => {
    assert.equal((await d.http.post('/v1/logs', apiRequest('req-ok', '100'))).status, 200);
    const agentId = `claude-code:${SESSION}`;
    const before = (await agent(agentId))?.usage;
    assert.equal(before?.inputTokens, 100);
    for (const id of ['req-huge-1', 'req-huge-2']) {
      const error = expectError(await d.http.post('/v1/logs', apiRequest(id, '1e308')), 400, 'validation_failed');
      assert.match(error.message, /inputTokens/);
    }
    assert.deepEqual((await agent(agentId))?.usage, before);
    assert.equal(await metricsAnswer(), 200);
    const stats = await d.http.ok(d.http.get<{ usage: { total: { inputTokens: number } | null } }>('/v1/stats'));
    assert.ok(Number.isFinite(stats.usage.total?.inputTokens));
  });

  it('hooks: a transcript request past the bound is skipped; the others still count', async () => {
    const session = loadSession('claude-code', 'bash-turn');
    const lines = readFileSync(session.transcriptPath, 'utf8').split('\n');
    const firstId = lines.map((l) => (l ? (JSON.parse(l) as { type?: string; message?: { id?: string } }) : {})).find((l) => l.type === 'assistant')?.message?.id;
    assert.ok(firstId, 'the recorded transcript has a model request');
    // Every line of the first request claims 1e308 input tokens (JSON keeps the number; JavaScript reads 1e308).
    writeFileSync(
      session.transcriptPath,
      lines.map((l) => (l.includes(`"${firstId}"`) ? l.replace(/"input_tokens":\d+/, '"input_tokens":1e308') : l)).join('\n'),
    );
    await replaySession(d, session);
    await d.daemon.hooks.idle();
    const agentId = `claude-code:${session.sessionId}`;
    const usage = (await agent(agentId))?.usage;
    assert.equal(usage?.requests, 1, 'the second request counted, the first refused');
    assert.ok(usage && usage.inputTokens < MAX_USAGE_COUNT);
    assert.ok(d.logLines.some((l) => l.includes('not recorded') && l.includes('inputTokens')), d.logLines.join('\n'));
    assert.equal(await metricsAnswer(), 200);
  });

  it('sums saturate: totals stay finite and exact past MAX_USAGE_SUM, even from counts no edge takes any more', () => {
    let sum = addUsage(null, usageDelta({ inputTokens: 1e308 }));
    sum = addUsage(sum, usageDelta({ inputTokens: 1e308, outputTokens: Number.POSITIVE_INFINITY }));
    assert.equal(sum.inputTokens, MAX_USAGE_SUM);
    assert.equal(sum.outputTokens, 0, 'a count that is not finite adds nothing');
    assert.equal((JSON.parse(JSON.stringify(sum)) as { inputTokens: number }).inputTokens, MAX_USAGE_SUM);
  });
});
