/**
 * Budgets in VS Code, against a real daemon: the status bar shows spend against the tightest budget as usage arrives
 * (warning background past 80 %, error background once exceeded); `budget.exceeded` raises a notification even under
 * the default needs-you-only setting, `budget.warning` only under "all".
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ShownBudgetNotification } from '../../../extension/src/views/budgetNotifier.js';
import { useDaemonUnderTest, waitInSync } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';

suite('Budgets in VS Code', function () {
  this.timeout(90_000);
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('agentTracker');
  const shown: ShownBudgetNotification[] = [];
  let subscription: vscode.Disposable | undefined;

  const ctx = useDaemonUnderTest(async (daemon) => {
    await daemon.heartbeat('spender', 'Spender');
  });
  suiteSetup(async () => {
    await config().update('notifications', 'needsYou', vscode.ConfigurationTarget.Global);
    subscription = ctx.api.onDidShowBudgetNotification((n) => shown.push(n));
  });
  suiteTeardown(async () => {
    subscription?.dispose();
    await config().update('notifications', 'none', vscode.ConfigurationTarget.Global);
  });

  const spend = async (costUsd: number): Promise<void> => {
    ctx.daemon.ok(await ctx.daemon.post('/v1/events', [{ op: 'usage', agentId: 'spender', costUsd, inputTokens: 100, outputTokens: 10 }]), 'usage');
  };
  const statusBar = (pattern: RegExp, what: string): Promise<string> =>
    pollUntil(what, () => (pattern.test(ctx.api.statusBarText()) ? ctx.api.statusBarText() : undefined), 15_000).catch((error: Error) => {
      throw new Error(`${error.message}; the status bar says "${ctx.api.statusBarText()}"`);
    });

  test('no budget, no spend shown; then spend against the budget, warning at 80 %, error and a notification once exceeded', async () => {
    await waitInSync(ctx.api, ctx.daemon);
    assert.doesNotMatch(ctx.api.statusBarText(), /credit-card|\$\d/);
    assert.equal(ctx.api.statusBarBackground(), undefined);

    const set = await ctx.daemon.post('/v1/budgets', { period: 'day', usd: 10 });
    assert.equal(set.status, 201, JSON.stringify(set.body));
    const budgetId = (set.body as { id: string }).id;
    await statusBar(/\$\(credit-card\) \$0 \/ \$10 today$/, 'the budget in the status bar');
    await spend(3.2);
    await statusBar(/\$3\.20 \/ \$10 today$/, 'the spend so far');
    assert.equal(ctx.api.statusBarBackground(), undefined, 'within the limit: no colour');

    await spend(5);
    await statusBar(/\$8\.20 \/ \$10 today$/, 'past 80 %');
    assert.equal(ctx.api.statusBarBackground(), 'statusBarItem.warningBackground');

    await spend(2);
    await statusBar(/\$10\.20 \/ \$10 today$/, 'past the limit');
    assert.equal(ctx.api.statusBarBackground(), 'statusBarItem.errorBackground');
    const exceeded = await pollUntil('the exceeded notification', () => shown.find((n) => n.type === 'budget.exceeded'));
    assert.equal(exceeded.budgetId, budgetId);
    assert.equal(exceeded.message, 'Agent Tracker: budget $10 a day for all agents is exceeded ($10.20 of $10 spent today).');
    assert.deepEqual(exceeded.actions, ['Show Dashboard']);
    assert.equal(shown.filter((n) => n.type === 'budget.warning').length, 0, 'needs you only: no warning at 80 %');
  });

  test('under "all" a warning at 80 % too; the status bar keeps the tightest budget', async () => {
    await config().update('notifications', 'all', vscode.ConfigurationTarget.Global);
    // 10.20 of 12 this week: past 80 % as soon as it is set.
    const set = await ctx.daemon.post('/v1/budgets', { period: 'week', usd: 12, enforce: true });
    assert.equal(set.status, 201, JSON.stringify(set.body));
    const warning = await pollUntil('the warning notification', () => shown.find((n) => n.type === 'budget.warning'));
    assert.equal(warning.message, 'Agent Tracker: budget $12 a week for all agents is past 80 % ($10.20 of $12 spent this week).');
    assert.match(ctx.api.statusBarText(), /\$10\.20 \/ \$10 today$/, 'the exceeded day budget is the tightest');

    await ctx.daemon.post('/v1/budgets', { period: 'day', usd: 100 });
    await statusBar(/\$10\.20 \/ \$12 this week$/, 'the day budget raised: the week is now the tightest');
    assert.equal(ctx.api.statusBarBackground(), 'statusBarItem.warningBackground');
  });
});
