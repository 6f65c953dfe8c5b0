import * as assert from 'node:assert/strict';
import { dashboardView } from '../../../extension/src/model/dashboardView.js';
import { TaskTree } from '../../../extension/src/model/taskTree.js';
import { agent, connectedModel, task } from './fixtures.js';

const NOW = Date.parse('2026-01-01T15:00:00.000Z');
const at = (msBeforeNow: number): string => new Date(NOW - msBeforeNow).toISOString();
const usage = (costUsd: number) => ({ inputTokens: 100, outputTokens: 50, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd, requests: 1, toolCalls: 0 });

describe('Extension model: the Dashboard', () => {
  it('counts open tasks as the status bar does: a stuck task is stuck, not also active; one waiting for the user needs you', () => {
    const model = connectedModel([
      task('run', { state: 'active', agentId: 'a' }),
      task('hang', { state: 'active', agentId: 'a', stuck: { since: at(60_000), reason: 'lease_expired' } }),
      task('ask', { state: 'paused', agentId: 'a', needsInput: { since: at(1000), kind: 'permission', message: 'Bash(ls)' } }),
      task('queued', { state: 'pending' }),
      task('ok', { state: 'done', agentId: 'a', completedAt: at(1000) }),
    ]);
    const tree = new TaskTree(model, { stuckAfterMs: 0 });
    const view = dashboardView({ tasks: model.tasks(), agents: model.agents(), counts: tree.counts() }, NOW);
    assert.deepEqual({ ...view.counts }, { needs: 1, stuck: 1, active: 1, waiting: 0, pending: 1, backlog: 0, open: 4 });
    const byState = Object.fromEntries(view.byState.map((b) => [b.kind, b.value]));
    assert.deepEqual(byState, { needs: 1, stuck: 1, active: 1, waiting: 0, pending: 1, backlog: 0, done: 1, failed: 0, cancelled: 0 });
    assert.equal(tree.attentionCount(), view.counts.needs + view.counts.stuck, 'the badge counts the same');
  });

  it('names the day on the hourly axis: the first hour with its day, a mark where the day changes, then now', () => {
    const model = connectedModel([]);
    const view = dashboardView({ tasks: [], agents: [], counts: new TaskTree(model, { stuckAfterMs: 0 }).counts() }, NOW);
    const start = new Date(NOW - 24 * 3_600_000);
    const day = start.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
    assert.equal(view.axis[0]?.index, 0);
    assert.ok(view.axis[0]?.label.startsWith(day), `${view.axis[0]?.label} names ${day}`);
    assert.deepEqual(view.axis.at(-1), { index: 24, label: 'now' });
    assert.ok(view.throughput.every((h) => /\d/.test(h.label) && h.label.includes(' to ')));
    assert.equal(view.throughput.filter((h) => h.dayStart).length, 1, 'one midnight in any 24 hours');
  });

  it('lists spend against each budget in the status bar words, the tightest first; none where budgets are not read', () => {
    const budget = (id: string, period: 'day' | 'week', usd: number, spentUsd: number, state: 'ok' | 'warning' | 'exceeded') => ({
      id, period, usd, agentKind: null, folder: null, enforce: false, createdAt: at(0), updatedAt: at(0), periodStart: at(3_600_000), periodEnd: at(-3_600_000),
      spentUsd, forecastUsd: spentUsd * 2, state, unpricedRequests: 0,
    });
    const counts = new TaskTree(connectedModel([]), { stuckAfterMs: 0 }).counts();
    const view = dashboardView({ tasks: [], agents: [], counts, budgets: [budget('w', 'week', 50, 20, 'ok'), budget('d', 'day', 10, 9, 'warning')] }, NOW);
    assert.deepEqual(view.budgets?.map((b) => [b.name, b.short, b.state, b.spent, b.forecast]), [
      ['$10 a day for all agents', '$9 / $10 today', 'warning', 0.9, 1.8],
      ['$50 a week for all agents', '$20 / $50 this week', 'ok', 0.4, 0.8],
    ]);
    assert.equal(dashboardView({ tasks: [], agents: [], counts }, NOW).budgets, null);
  });

  it('tells apart agents of the same name in tokens and cost per agent', () => {
    const agents = [agent('s1', { name: 'Claude Code · api', registeredAt: at(7_200_000) }), agent('s2', { name: 'Claude Code · api', registeredAt: at(600_000) })];
    const tasks = [task('x', { state: 'done', agentId: 's1', completedAt: at(1000), usage: usage(2) }), task('y', { state: 'done', agentId: 's2', completedAt: at(1000), usage: usage(1) })];
    const model = connectedModel(tasks, agents);
    const view = dashboardView({ tasks, agents, counts: new TaskTree(model, { stuckAfterMs: 0 }).counts() }, NOW);
    const labels = view.costByAgent.map((b) => b.label);
    assert.equal(new Set(labels).size, 2, labels.join(' / '));
    assert.ok(labels.every((l) => l.startsWith('Claude Code · api (started ')));
  });

  it('marks the end of an agent name that tells two sessions apart, so the page can keep it when it cuts the name', () => {
    const agents = [
      agent('s1', { name: 'Claude Code · shop-api', registeredAt: at(7_200_000) }),
      agent('s2', { name: 'Claude Code · shop-api', registeredAt: at(600_000) }),
      agent('g', { name: 'Gemini CLI · docs' }),
    ];
    const tasks = ['s1', 's2', 'g'].map((id, i) => task(`t${id}`, { state: 'done', agentId: id, completedAt: at(1000), usage: usage(3 - i) }));
    const model = connectedModel(tasks, agents);
    const view = dashboardView({ tasks, agents, counts: new TaskTree(model, { stuckAfterMs: 0 }).counts() }, NOW);
    const clock = (ms: number): string => new Date(NOW - ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    assert.deepEqual(
      view.costByAgent.map((b) => [b.label, b.tell]),
      [
        [`Claude Code · shop-api (started ${clock(7_200_000)})`, `(started ${clock(7_200_000)})`],
        [`Claude Code · shop-api (started ${clock(600_000)})`, `(started ${clock(600_000)})`],
        ['Gemini CLI · docs', undefined],
      ],
    );
    assert.deepEqual(view.tokensByAgent.map((b) => b.tell), view.costByAgent.map((b) => b.tell));
  });
});
