/**
 * The Dashboard against a real daemon: spend against each budget, in the status bar's words, the tightest first, and
 * following the usage that arrives while the page is open.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DashboardView } from '../../../extension/src/model/dashboardView.js';
import { useDaemonUnderTest, waitInSync } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';

suite('Dashboard', function () {
  this.timeout(60_000);
  const ctx = useDaemonUnderTest(async (daemon) => {
    await daemon.heartbeat('payer', 'Payer');
  });

  test('shows spend against each budget as the status bar says it, and follows new spend', async () => {
    await waitInSync(ctx.api, ctx.daemon);
    const dashboard = await vscode.commands.executeCommand<{ view: DashboardView | undefined; panel: vscode.WebviewPanel }>('agentTracker.showDashboard');
    try {
      const none = await pollUntil('the dashboard', () => dashboard.view);
      assert.deepEqual(none.budgets, [], 'read, and none set');
      assert.equal((await ctx.daemon.post('/v1/budgets', { period: 'week', usd: 40 })).status, 201);
      assert.equal((await ctx.daemon.post('/v1/budgets', { period: 'day', usd: 10 })).status, 201);
      ctx.daemon.ok(await ctx.daemon.post('/v1/events', [{ op: 'usage', agentId: 'payer', costUsd: 8.5, inputTokens: 100, outputTokens: 10 }]), 'usage');
      const lines = await pollUntil('the spend on the dashboard', () => (dashboard.view?.budgets?.[0]?.short.startsWith('$8.50') ? dashboard.view.budgets : undefined), 15_000);
      assert.deepEqual(
        lines.map((l) => [l.name, l.short, l.state]),
        [
          ['$10 a day for all agents', '$8.50 / $10 today', 'warning'],
          ['$40 a week for all agents', '$8.50 / $40 this week', 'ok'],
        ],
      );
      assert.ok(ctx.api.statusBarText().endsWith(lines[0]?.short ?? '?'), `the status bar shows the same tightest budget: ${ctx.api.statusBarText()}`);
      assert.ok(Math.abs((lines[0]?.spent ?? 0) - 0.85) < 1e-9);
    } finally {
      dashboard.panel.dispose();
    }
  });
});
