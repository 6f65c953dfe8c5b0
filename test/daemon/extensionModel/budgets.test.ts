import * as assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { BudgetWatch, type BudgetCrossing } from '../../../extension/src/model/budgetWatch.js';
import { budgetDetail, budgetShortText, crossingText, tightestBudget, usdText } from '../../../extension/src/model/budgetWords.js';
import type { Budget } from '../../../extension/src/model/protocol.js';
import { TrackerModel } from '../../../extension/src/model/trackerModel.js';
import { connectedModel, event } from './fixtures.js';

function budget(id: string, fields: Partial<Budget> = {}): Budget {
  return {
    id,
    period: 'day',
    usd: 10,
    agentKind: null,
    folder: null,
    enforce: false,
    createdAt: '2026-12-09T00:00:00.000Z',
    updatedAt: '2026-12-09T00:00:00.000Z',
    periodStart: '2026-12-09T00:00:00.000Z',
    periodEnd: new Date(Date.now() + 3_600_000).toISOString(),
    spentUsd: 0,
    forecastUsd: 0,
    state: 'ok',
    unpricedRequests: 0,
    ...fields,
  };
}

describe('Extension model: budgets', () => {
  describe('in words', () => {
    it('dollars as people write them', () => {
      assert.deepEqual([usdText(10), usdText(3.2), usdText(0.0042), usdText(0), usdText(12.345)], ['$10', '$3.20', '$0.0042', '$0', '$12.35']);
    });
    it('"$3.20 / $10 today", "this week", "this month"', () => {
      assert.equal(budgetShortText(budget('a', { spentUsd: 3.2 })), '$3.20 / $10 today');
      assert.equal(budgetShortText(budget('a', { period: 'week', usd: 50, spentUsd: 12.5 })), '$12.50 / $50 this week');
      assert.equal(budgetShortText(budget('a', { period: 'month', usd: 200.5, spentUsd: 0 })), '$0 / $200.50 this month');
    });
    it('the tightest budget: exceeded before warning before ok, then the largest share spent', () => {
      const roomy = budget('roomy', { usd: 100, spentUsd: 10 });
      const close = budget('close', { usd: 10, spentUsd: 7.9 });
      const warned = budget('warned', { usd: 100, spentUsd: 80, state: 'warning' });
      const over = budget('over', { usd: 100, spentUsd: 101, state: 'exceeded' });
      assert.equal(tightestBudget([]), undefined);
      assert.equal(tightestBudget([roomy, close])?.id, 'close');
      assert.equal(tightestBudget([close, warned, roomy])?.id, 'warned');
      assert.equal(tightestBudget([close, warned, over, roomy])?.id, 'over');
    });
    it('what a budget is and does, its scope as plain text', () => {
      const scoped = budget('s', { agentKind: 'claude-code', folder: '/src/\u202Eppa', spentUsd: 8.5, forecastUsd: 17, state: 'warning', enforce: true, unpricedRequests: 2 });
      assert.equal(
        budgetDetail(scoped),
        'Budget $10 a day for claude-code agents in /src/ppa: $8.50 spent today (past 80 %), $17 forecast by the end of the day; new prompts of its agents are refused while it is exceeded. 2 requests of models without a price are not counted.',
      );
      assert.equal(crossingText('budget.warning', scoped), 'Agent Tracker: budget $10 a day for claude-code agents in /src/ppa is past 80 % ($8.50 of $10 spent today).');
      assert.equal(
        crossingText('budget.exceeded', { ...scoped, spentUsd: 10.4 }),
        'Agent Tracker: budget $10 a day for claude-code agents in /src/ppa is exceeded ($10.40 of $10 spent today). New prompts of its agents are refused until the period ends or the budget is raised.',
      );
      assert.doesNotMatch(crossingText('budget.exceeded', { ...scoped, enforce: false }), /refused/);
    });
  });

  describe('kept current', () => {
    it('reads on connecting, again on a budget event; a line crossed live is announced with the budget as read, catch-up ones never', async () => {
      // Connected, still catching up (not live yet).
      const model = new TrackerModel();
      model.loadSnapshot({ tasks: [], agents: [], seq: 1000, uncertainUntil: 1000 });
      model.setConnection({ kind: 'connected', url: 'http://127.0.0.1:1', version: 'test' });
      let answer: Budget[] = [];
      let reads = 0;
      const watch = new BudgetWatch(model, async () => (reads++, answer), { usageDelayMs: 50 });
      const crossings: BudgetCrossing[] = [];
      watch.onDidCross((c) => crossings.push(c));
      try {
        await delay(30);
        assert.equal(reads, 1, 'read once connected');
        assert.equal(watch.budgets.length, 0);
        // Usage without budgets: nothing to read.
        model.applyEvent(event('agent.usage', { agentId: 'x', data: { usage: { costUsd: 1 } } as never }));
        await delay(100);
        assert.equal(reads, 1);

        answer = [budget('b1', { spentUsd: 11, state: 'exceeded' })];
        model.applyEvent(event('budget.exceeded', { data: { budgetId: 'b1', periodStart: '2026-12-09T00:00:00.000Z', spentUsd: 11, usd: 10 } }));
        await delay(150);
        assert.equal(reads, 2);
        assert.equal(crossings.length, 0, 'caught up, not live: no announcement');
        assert.equal(watch.budgets[0]?.state, 'exceeded');

        model.markLive(model.seq);
        answer = [budget('b1', { spentUsd: 12, state: 'exceeded' })];
        model.applyEvent(event('budget.exceeded', { data: { budgetId: 'b1', periodStart: '2026-12-09T00:00:00.000Z', spentUsd: 12, usd: 10 } }));
        model.applyEvent(event('budget.warning', { data: { budgetId: 'gone', periodStart: '2026-12-09T00:00:00.000Z', spentUsd: 8, usd: 10 } }));
        await delay(150);
        assert.deepEqual(crossings.map((c) => [c.type, c.budget.id, c.budget.spentUsd]), [['budget.exceeded', 'b1', 12]], 'a budget no longer listed is not announced');

        // Usage while budgets exist: read again, a burst of it once.
        // A number, not the literal the assertions above narrowed it to.
        const before: number = reads;
        for (let i = 0; i < 5; i++) model.applyEvent(event('agent.usage', { agentId: 'x', data: { usage: { costUsd: 1 } } as never }));
        await delay(200);
        assert.equal(reads, before + 1);

        model.setConnection({ kind: 'disconnected', reason: 'ECONNREFUSED' });
        assert.equal(watch.budgets.length, 0, 'offline: no figures that may be stale');
      } finally {
        watch.dispose();
        model.dispose();
      }
    });

    it('a failed read keeps what was known and says why', async () => {
      const model = connectedModel([]);
      const logged: string[] = [];
      let fail = false;
      const watch = new BudgetWatch(model, async () => {
        if (fail) throw new Error('404 not_found');
        return [budget('b1')];
      }, { log: (m) => logged.push(m) });
      try {
        await delay(30);
        fail = true;
        await watch.refresh();
        assert.equal(watch.budgets.length, 1);
        assert.deepEqual(logged, ['budgets: 404 not_found']);
      } finally {
        watch.dispose();
        model.dispose();
      }
    });
  });
});
