/**
 * A model request reported by both the hooks (the agent's transcript) and OTLP counts once, whichever arrives first:
 * by the provider's request id where both carry it, else by the session, the token counts and the time. The times
 * below are those of a real Claude Code 2.1.197 turn against the fake model (two requests with equal counts).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent, Task } from '../../../daemon/src/protocol/index.js';
import { RequestMatcher, type RequestSighting, type UsageSource } from '../../../daemon/src/integrations/usage/requestMatcher.js';
import { parseLines } from '../../../daemon/src/integrations/usage/transcriptReader.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';
import { FIXTURES, loadSession, replaySession, type RecordedSession } from '../hooks/recordedSession.js';

const COUNTS = { inputTokens: 120, outputTokens: 30, cacheReadTokens: 400, cacheWriteTokens: 60 };
const at = (iso: string) => Date.parse(iso);
/** A transcript line: written while its request runs. */
const line = (ownId: string, time: string, requestId?: string): RequestSighting => ({
  ...COUNTS, ownId, from: at(time), to: at(time), costed: false, ...(requestId ? { requestId } : {}),
});
/** An `api_request` event: when the request ended, and how long it took. */
const event = (ownId: string, end: string, durationMs: number, requestId?: string): RequestSighting => ({
  ...COUNTS, ownId, from: at(end) - durationMs, to: at(end), costed: true, ...(requestId ? { requestId } : {}),
});

const T1 = line('msg_fake_0001', '2026-11-27T16:27:57.383Z');
const T2 = line('msg_fake_0002', '2026-11-27T16:27:57.679Z');
const O1 = event('2026-11-27T16:27:57.466Z#2', '2026-11-27T16:27:57.466Z', 119);
const O2 = event('2026-11-27T16:27:57.698Z#4', '2026-11-27T16:27:57.698Z', 35);

describe('usage: one key per model request across transcripts and OTLP', () => {
  const keysIn = (order: [UsageSource, RequestSighting][]) => {
    const matcher = new RequestMatcher();
    return new Map(order.map(([source, s]) => [s.ownId, matcher.keysOf('claude-code:s1', source, s).key]));
  };
  const orders: [string, [UsageSource, RequestSighting][]][] = [
    ['transcript first', [['transcript', T1], ['transcript', T2], ['otlp', O1], ['otlp', O2]]],
    ['OTLP first', [['otlp', O1], ['otlp', O2], ['transcript', T1], ['transcript', T2]]],
  ];
  for (const [name, order] of orders) {
    it(`without request ids, ${name}: each event pairs with its own transcript line`, () => {
      const keys = keysIn(order);
      assert.equal(new Set(keys.values()).size, 2, JSON.stringify([...keys]));
      assert.equal(keys.get(T1.ownId), keys.get(O1.ownId));
      assert.equal(keys.get(T2.ownId), keys.get(O2.ownId));
    });
  }

  it('without request ids, in any order: two requests, two keys (requests with equal counts may pair crosswise)', () => {
    const sightings: [UsageSource, RequestSighting][] = [['transcript', T1], ['transcript', T2], ['otlp', O1], ['otlp', O2]];
    for (const order of permutations(sightings)) {
      const keys = keysIn(order);
      assert.equal(new Set(keys.values()).size, 2, JSON.stringify([...keys]));
    }
  });

  it('with request ids the key is the provider’s id, the same from both sources and after a restart', () => {
    const first = new RequestMatcher();
    assert.equal(first.keysOf('claude-code:s1', 'transcript', line('msg_1', '2026-11-27T16:27:57.383Z', 'req_1')).key, 'claude-code:s1:req_1');
    assert.equal(first.keysOf('claude-code:s1', 'otlp', event('e#2', '2026-11-27T16:27:57.466Z', 119, 'req_1')).key, 'claude-code:s1:req_1');
    // Equal counts, same moment, another id: another request.
    assert.equal(first.keysOf('claude-code:s1', 'otlp', event('e#4', '2026-11-27T16:27:57.466Z', 119, 'req_2')).key, 'claude-code:s1:req_2');
    assert.equal(new RequestMatcher().keysOf('claude-code:s1', 'otlp', event('e#2', '2026-11-27T16:27:57.466Z', 119, 'req_1')).key, 'claude-code:s1:req_1');
  });

  it('repeats resolve to the key already given; other sessions, other counts and distant times never match', () => {
    const matcher = new RequestMatcher();
    const key = matcher.keysOf('claude-code:s1', 'transcript', T1).key;
    assert.equal(matcher.keysOf('claude-code:s1', 'otlp', O1).key, key);
    assert.equal(matcher.keysOf('claude-code:s1', 'transcript', T1).key, key, 'the transcript read again');
    assert.equal(matcher.keysOf('claude-code:s1', 'otlp', O1).key, key, 'the exporter’s retry');
    assert.notEqual(matcher.keysOf('claude-code:s2', 'otlp', O2).key, matcher.keysOf('claude-code:s1', 'transcript', T2).key);
    const other = new RequestMatcher();
    const t = other.keysOf('a', 'transcript', T1).key;
    assert.notEqual(other.keysOf('a', 'otlp', { ...O1, outputTokens: 31 }).key, t);
    assert.notEqual(other.keysOf('a', 'otlp', { ...O1, ownId: 'late', from: O1.from + 60_000, to: O1.to + 60_000 }).key, t);
  });

  it('a request first counted without a cost gets the cost of the source that knows it, once', () => {
    const matcher = new RequestMatcher();
    assert.deepEqual(matcher.keysOf('a', 'transcript', T1), { key: 'a:transcript:msg_fake_0001' });
    assert.deepEqual(matcher.keysOf('a', 'otlp', O1), { key: 'a:transcript:msg_fake_0001', costKey: 'a:transcript:msg_fake_0001:cost' });
    assert.deepEqual(matcher.keysOf('a', 'otlp', O1), { key: 'a:transcript:msg_fake_0001' });
  });
});

/** OTLP log records as Claude Code 2.1.197 exports them for the requests of a recorded session (no request ids). */
function apiRequests(session: RecordedSession, times: { end: number; durationMs: number }[], promptId?: string) {
  const str = (stringValue: string) => ({ stringValue });
  const int = (n: number) => ({ intValue: String(n) });
  const logRecords = times.map(({ end, durationMs }, i) => ({
    timeUnixNano: `${BigInt(end) * 1_000_000n}`,
    body: str('claude_code.api_request'),
    attributes: Object.entries({
      'session.id': str(session.sessionId),
      ...(promptId ? { 'prompt.id': str(promptId) } : {}),
      'event.name': str('api_request'),
      'event.timestamp': str(new Date(end).toISOString()),
      'event.sequence': int(2 * i + 2),
      model: str('claude-opus-5-5'),
      input_tokens: int(COUNTS.inputTokens),
      output_tokens: int(COUNTS.outputTokens),
      cache_read_tokens: int(COUNTS.cacheReadTokens),
      cache_creation_tokens: int(COUNTS.cacheWriteTokens),
      cost_usd: { doubleValue: 0.001925 },
      duration_ms: int(durationMs),
    }).map(([key, value]) => ({ key, value })),
  }));
  return { resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: str('claude-code') }] }, scopeLogs: [{ logRecords }] }] };
}

describe('usage: a recorded Claude Code turn reported by its hooks and by OTLP', function () {
  this.timeout(30_000);
  let d: TestDaemon;
  beforeEach(async () => (d = await startTestDaemon()));
  afterEach(async () => d?.close());

  /** The session's requests as its transcript has them; each event ends shortly after its line, as observed. */
  function otlpFor(session: RecordedSession) {
    const requests = parseLines(readFileSync(join(FIXTURES, 'claude-code', session.transcript), 'utf8'), 'claude-code');
    assert.equal(requests.length, 2);
    return apiRequests(session, requests.map((r) => ({ end: (r.at ?? 0) + 60, durationMs: 150 })));
  }

  async function usageOf(session: RecordedSession) {
    const agentId = `claude-code:${session.sessionId}`;
    const tasks = (await d.http.ok(d.http.get<{ items: Task[] }>(`/v1/tasks?agentId=${agentId}`))).items;
    const agent = (await d.http.ok(d.http.get<{ items: Agent[] }>('/v1/agents'))).items.find((a) => a.id === agentId);
    assert.equal(tasks.length, 1);
    return { task: tasks[0]?.usage, agent: agent?.usage };
  }

  const expected = { inputTokens: 240, outputTokens: 60, cacheReadTokens: 800, cacheWriteTokens: 120, costUsd: 0.00385, requests: 2, toolCalls: 1, model: 'claude-opus-5-5' };

  it('hooks first, then the exporter’s batch (and its retry): two requests, with the cost the agent reported', async () => {
    const session = loadSession('claude-code', 'bash-turn');
    await replaySession(d, session);
    await d.daemon.hooks.idle();
    const before = await usageOf(session);
    assert.equal(before.task?.requests, 2, 'the transcript alone counts both');
    assert.equal(before.task?.costUsd, 0, 'the fake model has no price');
    for (let i = 0; i < 2; i++) assert.equal((await d.http.post('/v1/logs', otlpFor(session))).status, 200);
    const after = await usageOf(session);
    assert.deepEqual({ ...after.task }, expected);
    assert.deepEqual({ ...after.agent }, expected);
  });

  it('OTLP that arrives after the turn ended still lands on that turn, named by its prompt id', async () => {
    const session = loadSession('claude-code', 'bash-turn');
    const otlp = otlpFor(session);
    writeFileSync(session.transcriptPath, ''); // hooks without usage: only the telemetry reports it
    await replaySession(d, session);
    await d.daemon.hooks.idle();
    const promptId = String(session.events.find((e) => e.payload.hook_event_name === 'UserPromptSubmit')?.payload.prompt_id);
    const [first] = otlp.resourceLogs;
    const records = first?.scopeLogs[0]?.logRecords ?? [];
    const late = apiRequests(session, records.map((r) => ({ end: Number(BigInt(r.timeUnixNano) / 1_000_000n), durationMs: 150 })), promptId);
    assert.equal((await d.http.post('/v1/logs', late)).status, 200);
    const after = await usageOf(session);
    assert.deepEqual({ ...after.task }, expected);
  });

  it('OTLP while the turn runs, the transcript read at its end: two requests', async () => {
    const session = loadSession('claude-code', 'bash-turn');
    const stop = session.events.findIndex((e) => e.payload.hook_event_name === 'PostToolUse');
    await replaySession(d, { ...session, events: session.events.slice(0, stop) });
    assert.equal((await d.http.post('/v1/logs', otlpFor(session))).status, 200);
    await replaySession(d, { ...session, events: session.events.slice(stop) });
    await d.daemon.hooks.idle();
    const after = await usageOf(session);
    assert.deepEqual({ ...after.task }, expected);
    assert.deepEqual({ ...after.agent }, expected);
  });
});

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
