/**
 * POST /v1/hooks/:kind and the `hook` op: whatever an agent sends, it gets 202 and the daemon keeps running; payloads
 * it cannot use are counted in /v1/stats and /metrics and logged.
 */
import { strict as assert } from 'node:assert';
import { expectError } from '../support/http.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';
import { metricValue } from '../live/promText.js';

interface HookStats {
  hooks: { received: number; applied: number; duplicate: number; unknownSource: number; invalid: number };
}

describe('hooks: the route and the op', () => {
  let d: TestDaemon;
  beforeEach(async () => {
    d = await startTestDaemon();
  });
  afterEach(async () => {
    await d?.close();
  });

  const stats = async () => (await d.http.ok(d.http.get<HookStats>('/v1/stats'))).hooks;

  it('answers 202 to an unknown agent kind, a body that is not JSON, or not an object; counts and logs each', async () => {
    const seq = d.daemon.tracker.state.seq;
    const unknown = await d.http.post('/v1/hooks/no-such-agent', { hook_event_name: 'Stop' });
    assert.deepEqual([unknown.status, unknown.body], [202, { applied: 0 }]);
    const torn = await d.http.request('POST', '/v1/hooks/claude-code', { rawBody: '{"session_id": "abc", "hook_' });
    assert.deepEqual([torn.status, torn.body], [202, { applied: 0 }]);
    const array = await d.http.post('/v1/hooks/claude-code', [1, 2]);
    assert.equal(array.status, 202);
    const badKind = await d.http.post('/v1/hooks/Claude%20Code', {});
    assert.equal(badKind.status, 202);

    const counted = await stats();
    assert.deepEqual(
      [counted.received, counted.applied, counted.duplicate, counted.unknownSource, counted.invalid],
      [4, 0, 0, 1, 3],
    );
    assert.equal(d.daemon.tracker.state.seq, seq, 'nothing recorded');
    assert.equal(d.logLines.filter((line) => line.startsWith('warn hooks:')).length, 4);
    const metrics = (await d.http.get('/metrics')).text;
    assert.equal(metricValue(metrics, 'agent_tracker_hook_payloads_total', { result: 'invalid' }), 3);
    assert.equal(metricValue(metrics, 'agent_tracker_hook_payloads_total', { result: 'unknown_source' }), 1);
    assert.equal(metricValue(metrics, 'agent_tracker_ingest_errors_total', { source: 'hooks' }), 4);
    assert.equal((await d.http.get('/healthz')).status, 200);
  });

  it('a Stop with running background work ends the turn and leaves the agent busy until a later Stop says it is over', async () => {
    const base = { session_id: 'bg', cwd: '/w/app', transcript_path: '' };
    const send = async (payload: Record<string, unknown>, at: string) =>
      assert.equal((await d.http.request('POST', '/v1/hooks/claude-code', { body: { ...base, ...payload }, headers: { 'x-observed-at': at } })).status, 202);
    const agent = async () => (await d.http.ok(d.http.get<{ items: { id: string; status: string }[] }>('/v1/agents'))).items.find((a) => a.id === 'claude-code:bg');
    await send({ hook_event_name: 'UserPromptSubmit', prompt_id: 'p1', prompt: 'Start the dev server' }, '2026-12-01T10:00:00.000Z');
    await send(
      { hook_event_name: 'Stop', prompt_id: 'p1', background_tasks: [{ id: 'sh1', type: 'shell', status: 'running', command: 'npm run dev' }] },
      '2026-12-01T10:00:01.000Z',
    );
    const turn = await d.http.ok(d.http.get<{ state: string }>('/v1/tasks/claude-code:bg:p1'));
    assert.equal(turn.state, 'done');
    const background = await d.http.ok(d.http.get<{ state: string; parentId: string; title: string }>('/v1/tasks/claude-code:bg:bg-sh1'));
    assert.deepEqual([background.state, background.parentId, background.title], ['active', 'claude-code:bg:p1', 'Background: npm run dev']);
    assert.equal((await agent())?.status, 'busy');
    await send({ hook_event_name: 'UserPromptSubmit', prompt_id: 'p2', prompt: 'Anything else?' }, '2026-12-01T10:01:00.000Z');
    await send({ hook_event_name: 'Stop', prompt_id: 'p2', background_tasks: [] }, '2026-12-01T10:01:01.000Z');
    assert.equal((await d.http.ok(d.http.get<{ state: string }>('/v1/tasks/claude-code:bg:bg-sh1'))).state, 'done');
    assert.equal((await agent())?.status, 'idle');
  });

  it('needs the token and refuses an Origin like every route', async () => {
    expectError(await d.http.post('/v1/hooks/claude-code', {}, { token: null }), 401, 'unauthorized');
    expectError(await d.http.post('/v1/hooks/claude-code', {}, { headers: { origin: 'http://evil.example' } }), 403, 'forbidden');
    assert.equal((await stats()).received, 0);
  });

  it('takes the same payloads as `hook` lines of a batch, and refuses malformed lines there', async () => {
    const res = await d.http.ok(
      d.http.post<{ results: { ok: boolean; error?: { code: string } }[] }>('/v1/events', [
        { op: 'hook', source: 'no-such-agent', payload: { hook_event_name: 'Stop' }, pid: 4242, at: new Date().toISOString() },
        { op: 'hook', source: 'claude-code', payload: 'not an object' },
        { op: 'hook', source: 'claude-code', payload: {}, at: 'yesterday' },
      ]),
    );
    assert.deepEqual(res.results.map((r) => r.ok), [true, false, false]);
    assert.deepEqual(res.results.slice(1).map((r) => r.error?.code), ['validation_failed', 'validation_failed']);
    assert.equal((await stats()).unknownSource, 1);
  });
});
