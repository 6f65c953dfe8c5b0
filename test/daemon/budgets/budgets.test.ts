/**
 * Budgets through the real daemon and the TypeScript client: set, raise, list, remove; spend per UTC period for all
 * agents, one kind or one folder; forecast; `budget.warning` / `budget.exceeded` once per period crossing; a new period
 * starts again; everything survives a restart; bad input changes nothing.
 */
import { strict as assert } from 'node:assert';
import { TrackerClient, TrackerApiError } from '../../../daemon/src/client/index.js';
import type { Budget, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { expectError } from '../support/http.js';
import { TestClock } from '../support/testClock.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

const HOUR = 60 * 60 * 1000;

/** 2026-12-09 (a Wednesday) 12:00 UTC: the middle of a day, of an ISO week and of a month. */
const NOON = Date.parse('2026-12-09T12:00:00.000Z');

describe('budgets: the API', () => {
  let d: TestDaemon;
  let client: TrackerClient;
  let clock: TestClock;

  const start = async (home?: string) => {
    d = await startTestDaemon({ clock, ...(home ? { home } : {}) });
    client = new TrackerClient({ url: d.daemon.url, token: d.daemon.token });
  };

  beforeEach(async () => {
    clock = new TestClock({ frozen: true });
    clock.advance(NOON - clock.now());
    await start();
    await client.heartbeatAgent('claude-code:s1', { meta: { kind: 'claude-code', cwd: '/work/app' } });
    await client.heartbeatAgent('codex:s2', { meta: { kind: 'codex', cwd: '/work/app/sub' } });
    await client.heartbeatAgent('gemini-cli:s3', { meta: { kind: 'gemini-cli', cwd: '/work/application' } });
  });
  afterEach(async () => {
    await d?.close();
  });

  const spend = (agentId: string, costUsd: number, extra: Record<string, unknown> = {}) =>
    client.ingest([{ op: 'usage', agentId, costUsd, inputTokens: 10, outputTokens: 1, ...extra }]).then(({ results }) => {
      assert.ok(results.every((r) => r.ok), JSON.stringify(results));
    });
  const budgetEvents = async () =>
    (await client.events({ after: 0, limit: 1000 })).items.filter((e: TrackerEvent) => e.type.startsWith('budget.'));
  const byId = async (id: string): Promise<Budget> => {
    const found = (await client.listBudgets()).items.find((b) => b.id === id);
    assert.ok(found, `budget ${id} listed`);
    return found;
  };

  it('sets a budget (201), lists it with its period, and the same period and scope again changes it (200)', async () => {
    const created = await d.http.post<Budget>('/v1/budgets', { period: 'day', usd: 10 });
    assert.equal(created.status, 201, created.text);
    assert.match(created.body.id, /^budget_/);
    assert.deepEqual(
      [created.body.periodStart, created.body.periodEnd, created.body.spentUsd, created.body.state, created.body.enforce],
      ['2026-12-09T00:00:00.000Z', '2026-12-10T00:00:00.000Z', 0, 'ok', false],
    );
    const raised = await d.http.post<Budget>('/v1/budgets', { period: 'day', usd: 20, enforce: true });
    assert.equal(raised.status, 200);
    assert.deepEqual([raised.body.id, raised.body.usd, raised.body.enforce], [created.body.id, 20, true]);
    const week = await client.setBudget({ period: 'week', usd: 50, agentKind: 'codex' });
    const month = await client.setBudget({ period: 'month', usd: 100, folder: '/work/app' });
    assert.deepEqual([week.periodStart, week.periodEnd], ['2026-12-07T00:00:00.000Z', '2026-12-14T00:00:00.000Z']);
    assert.deepEqual([month.periodStart, month.periodEnd], ['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    assert.deepEqual((await client.listBudgets()).items.map((b) => b.id), [created.body.id, week.id, month.id]);

    const removed = await client.removeBudget(week.id);
    assert.equal(removed.removed.id, week.id);
    assert.deepEqual((await client.listBudgets()).items.map((b) => b.id), [created.body.id, month.id]);
    await assert.rejects(client.removeBudget(week.id), (e: unknown) => e instanceof TrackerApiError && e.code === 'not_found');
    const types = (await budgetEvents()).map((e) => e.type);
    assert.deepEqual(types, ['budget.set', 'budget.set', 'budget.set', 'budget.set', 'budget.removed']);
  });

  it('counts the usage of the agents it covers: all, one kind, one folder (and below, never a longer name)', async () => {
    await spend('claude-code:s1', 1);
    await spend('codex:s2', 2);
    await spend('gemini-cli:s3', 4);
    const all = await client.setBudget({ period: 'day', usd: 100 });
    const codex = await client.setBudget({ period: 'day', usd: 100, agentKind: 'codex' });
    const app = await client.setBudget({ period: 'day', usd: 100, folder: '/work/app' });
    const both = await client.setBudget({ period: 'day', usd: 100, folder: '/work/app/', agentKind: 'claude-code' });
    // Set after usage: each starts from what the day already cost.
    assert.deepEqual([all.spentUsd, codex.spentUsd, app.spentUsd, both.spentUsd], [7, 2, 3, 1]);
    await spend('codex:s2', 0.5);
    await spend('claude-code:s1', 0.25);
    const listed = await Promise.all([all, codex, app, both].map((b) => byId(b.id)));
    assert.deepEqual(listed.map((b) => b.spentUsd), [7.75, 2.5, 3.75, 1.25]);
  });

  it('forecasts the end of the period at the rate so far', async () => {
    await client.setBudget({ period: 'day', usd: 10 });
    await spend('claude-code:s1', 3);
    const [day] = (await client.listBudgets()).items;
    // Twelve hours gone, $3 spent: $6 by midnight.
    assert.equal(day?.forecastUsd, 6);
    clock.advance(6 * HOUR);
    assert.equal((await client.listBudgets()).items[0]?.forecastUsd, 4);
  });

  it('warns at 80 % and says exceeded at 100 %, each once per period; a new period starts from nothing', async () => {
    const budget = await client.setBudget({ period: 'day', usd: 10, agentKind: 'claude-code' });
    await spend('claude-code:s1', 7);
    await spend('codex:s2', 50);
    assert.equal((await byId(budget.id)).state, 'ok');
    await spend('claude-code:s1', 1);
    assert.equal((await byId(budget.id)).state, 'warning');
    await spend('claude-code:s1', 1);
    await spend('claude-code:s1', 1);
    assert.equal((await byId(budget.id)).state, 'exceeded');
    await spend('claude-code:s1', 5);
    let crossings = (await budgetEvents()).filter((e) => e.type === 'budget.warning' || e.type === 'budget.exceeded');
    assert.deepEqual(
      crossings.map((e) => [e.type, e.agentId, (e.data as { spentUsd: number }).spentUsd, (e.data as { periodStart: string }).periodStart]),
      [
        ['budget.warning', 'claude-code:s1', 8, '2026-12-09T00:00:00.000Z'],
        ['budget.exceeded', 'claude-code:s1', 10, '2026-12-09T00:00:00.000Z'],
      ],
    );

    clock.advance(12 * HOUR);
    const tomorrow = await byId(budget.id);
    assert.deepEqual([tomorrow.spentUsd, tomorrow.state, tomorrow.periodStart], [0, 'ok', '2026-12-10T00:00:00.000Z']);
    // One jump over both lines records both.
    await spend('claude-code:s1', 12);
    crossings = (await budgetEvents()).filter((e) => e.type === 'budget.warning' || e.type === 'budget.exceeded');
    assert.deepEqual(crossings.slice(2).map((e) => [e.type, (e.data as { periodStart: string }).periodStart]), [
      ['budget.warning', '2026-12-10T00:00:00.000Z'],
      ['budget.exceeded', '2026-12-10T00:00:00.000Z'],
    ]);
  });

  it('a limit changed is a new line: lowered below the spend it is crossed at once, raised it is ok again', async () => {
    await spend('claude-code:s1', 6);
    const budget = await client.setBudget({ period: 'day', usd: 100 });
    assert.equal(budget.state, 'ok');
    const lowered = await client.setBudget({ period: 'day', usd: 5 });
    assert.equal(lowered.state, 'exceeded');
    const raised = await client.setBudget({ id: budget.id, period: 'day', usd: 7 });
    assert.deepEqual([raised.id, raised.state], [budget.id, 'warning']);
    const crossings = (await budgetEvents()).filter((e) => e.type !== 'budget.set').map((e) => e.type);
    assert.deepEqual(crossings, ['budget.warning', 'budget.exceeded', 'budget.warning']);
  });

  it('says how many requests had no price: their cost is not counted', async () => {
    const budget = await client.setBudget({ period: 'day', usd: 1 });
    await client.ingest([{ op: 'usage', agentId: 'claude-code:s1', inputTokens: 500, outputTokens: 20, model: 'mystery-model-1', requestId: 'r1' }]);
    await spend('claude-code:s1', 0.1);
    const listed = await byId(budget.id);
    assert.deepEqual([listed.spentUsd, listed.unpricedRequests], [0.1, 1]);
    const agent = (await client.listAgents()).items.find((a) => a.id === 'claude-code:s1');
    assert.equal(agent?.usage?.unpricedRequests, 1);
  });

  it('keeps budgets, their spend and their crossings across a restart', async () => {
    const budget = await client.setBudget({ period: 'week', usd: 10, agentKind: 'claude-code', enforce: true });
    await spend('claude-code:s1', 9);
    const other = await client.setBudget({ period: 'day', usd: 3 });
    await client.removeBudget(other.id);
    await spend('claude-code:s1', 0.5);
    const before = await client.listBudgets();
    const eventsBefore = (await budgetEvents()).length;
    await d.stop();
    await start(d.home);
    assert.deepEqual(await client.listBudgets(), before);
    // The warning was recorded before the restart: crossing on to the limit records only the exceeded.
    await spend('claude-code:s1', 1);
    const after = await budgetEvents();
    assert.deepEqual(after.slice(eventsBefore).map((e) => e.type), ['budget.exceeded']);
    assert.equal((await byId(budget.id)).state, 'exceeded');
  });

  it('refuses bad input with validation_failed and changes nothing', async () => {
    const seq = d.daemon.tracker.state.seq;
    const bad: unknown[] = [
      {},
      { period: 'year', usd: 5 },
      { period: 'day', usd: 0 },
      { period: 'day', usd: -1 },
      { period: 'day', usd: 1e308 },
      { period: 'day', usd: '5' },
      { period: 'day', usd: 5, folder: 'relative/dir' },
      { period: 'day', usd: 5, folder: '/tmp/a\u0000b' },
      { period: 'day', usd: 5, folder: '/tmp/\ud800' },
      { period: 'day', usd: 5, agentKind: 'a b' },
      { period: 'day', usd: 5, id: 'bad id' },
      { period: 'day', usd: 5, extra: true },
      [{ period: 'day', usd: 5 }],
    ];
    for (const body of bad) expectError(await d.http.post('/v1/budgets', body), 400, 'validation_failed');
    expectError(await d.http.request('DELETE', '/v1/budgets/__proto__'), 404, 'not_found');
    expectError(await d.http.request('DELETE', '/v1/budgets/%00'), 400, 'validation_failed');
    expectError(await d.http.get('/v1/budgets', { token: null }), 401, 'unauthorized');
    assert.equal(d.daemon.tracker.state.seq, seq);
    assert.deepEqual((await client.listBudgets()).items, []);
    // An id that names an object's prototype is only a name.
    const proto = await d.http.post<Budget>('/v1/budgets', { id: '__proto__', period: 'day', usd: 5 });
    assert.equal(proto.status, 201, proto.text);
    assert.equal((await byId('__proto__')).usd, 5);
  });
});
