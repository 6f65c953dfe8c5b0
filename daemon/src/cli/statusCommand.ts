/** `agent-tracker status`: is the daemon up, who is working on what, and what is stuck. */
import { Command } from 'commander';
import type { Task } from '../protocol/index.js';
import { action, connect, output, withCommonOptions, type CommonOptions } from './context.js';
import { duration, renderTable, truncate } from './table.js';
import { formatUsage, renderTaskTable } from './taskFormat.js';
import type { Usage } from '../protocol/index.js';

export function statusCommand(): Command {
  return withCommonOptions(new Command('status').description('daemon health, agents, active and stuck tasks')).action(
    action(async (options: CommonOptions) => {
      const client = await connect(options);
      const [health, agents, active, stats] = await Promise.all([
        client.health(),
        client.listAgents(),
        client.active(),
        client.stats(),
      ]);
      const status = { daemon: { url: client.endpoint.url, ...health }, agents: agents.items, active: active.items, stats };
      output(options, status, () => {
        const byStatus = countBy(agents.items.map((a) => a.status));
        const stuck = active.items.filter((t: Task) => t.stuck);
        return [
          `daemon   ${client.endpoint.url}  v${health.version}  seq ${health.seq}`,
          `store    ${health.store.kind} ${health.store.ok ? 'ok' : 'NOT OK'}${health.store.message ? `  ${health.store.message}` : ''}`,
          `agents   ${agents.items.length}${agents.items.length ? ` (${formatCounts(byStatus)})` : ''}`,
          `tasks    ${formatCounts(stateCounts(stats))}`,
          `stuck    ${stuck.length}`,
          `timings  ${formatTimings(stats)}`,
          `usage    ${formatUsageStats(stats)}`,
          '',
          active.items.length ? renderTaskTable(active.items) : 'no active tasks',
          ...(stuck.length
            ? ['', renderTable(['STUCK', 'REASON', 'SINCE', 'TITLE'], stuck.map(stuckRow))]
            : []),
        ].join('\n');
      });
    }),
  );
}

/** The total, and today's (UTC) when there is one, from `/v1/stats` `usage`. */
function formatUsageStats(stats: Record<string, unknown>): string {
  const usage = stats.usage as
    | { total?: Usage | null; byAgent?: Record<string, Usage>; byDay?: Record<string, { total: Usage }> }
    | undefined;
  if (!usage?.total) return 'none reported';
  const today = usage.byDay?.[new Date().toISOString().slice(0, 10)]?.total;
  const agents = Object.entries(usage.byAgent ?? {})
    .sort(([, a], [, b]) => b.costUsd - a.costUsd || b.outputTokens - a.outputTokens)
    .slice(0, 10);
  return [
    formatUsage(usage.total),
    ...(today ? [`today: ${formatUsage(today)}`] : []),
    ...agents.map(([id, agentUsage]) => `${id}: ${formatUsage(agentUsage)}`),
  ].join('\n         ');
}

function stuckRow(task: Task): string[] {
  return [task.id, task.stuck?.reason ?? '', task.stuck?.since ?? '', truncate(task.title, 50)];
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

function formatCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** Mean wait/work/cycle and the success rate, from `/v1/stats` (`timings`, `successRate`). */
function formatTimings(stats: Record<string, unknown>): string {
  const timings = (stats.timings ?? {}) as Record<string, unknown>;
  const ms = (v: unknown): string => (typeof v === 'number' ? duration(v) : '-');
  const rate = typeof stats.successRate === 'number' ? `${Math.round(stats.successRate * 100)}%` : '-';
  return `mean wait ${ms(timings.meanWaitMs)}, work ${ms(timings.meanWorkMs)}, cycle ${ms(timings.meanCycleMs)}; success ${rate}`;
}

/** The per-state counts of `/v1/stats`, wherever the daemon puts them (`byState`, or `tasks.byState`). */
function stateCounts(stats: Record<string, unknown>): Record<string, number> {
  const candidates = [stats.byState, (stats.tasks as Record<string, unknown> | undefined)?.byState, stats.tasks];
  for (const candidate of candidates) {
    if (candidate && typeof candidate === 'object') {
      const numeric = Object.entries(candidate).filter(([, v]) => typeof v === 'number') as [string, number][];
      if (numeric.length) return Object.fromEntries(numeric);
    }
  }
  return {};
}
