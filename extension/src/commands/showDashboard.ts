/**
 * Show Dashboard: what needs the user and the open tasks (counted as the status bar counts them), spend against each
 * budget, throughput, success rate, wait and work times, tokens and cost, as charts.
 */
import { dashboardView, type DashboardView } from '../model/dashboardView.js';
import { LivePanel } from '../webviews/livePanel.js';
import type { CommandContext } from './commandContext.js';

export const DASHBOARD_VIEW_TYPE = 'agentTracker.dashboard';

export function showDashboard(ctx: CommandContext): LivePanel<DashboardView> {
  return LivePanel.createOrShow(ctx.extensionUri, ctx.model, ctx.logger, {
    viewType: DASHBOARD_VIEW_TYPE,
    title: 'Agent Dashboard',
    script: 'dashboard.js',
    style: 'charts.css',
    body: '<main id="page"><h1>Agent Dashboard</h1><p>Loading…</p></main>',
    compute: () => dashboardView({ tasks: ctx.model.tasks(), agents: ctx.model.agents(), counts: ctx.taskTree.counts(), budgets: ctx.budgets.budgets }, Date.now()),
    // Spend is read from the daemon after the usage that moved it: the page follows the reads too.
    alsoOn: [ctx.budgets.onDidChange],
  });
}
