/**
 * Model usage in `/v1/stats`: per agent (the agents' own sums), and per UTC day and agent, as the registry counts the
 * `agent.usage` events (every usage report that names an agent writes one, inside a task or not).
 */
import { addUsage, type Usage } from '../protocol/index.js';
import type { TrackerState } from '../store/state.js';

export interface UsageStats {
  total: Usage | null;
  byAgent: Record<string, Usage>;
  /** `YYYY-MM-DD` (UTC) -> that day's total and its agents'. */
  byDay: Record<string, { total: Usage; byAgent: Record<string, Usage> }>;
}

export function usageStats(state: TrackerState): UsageStats {
  const byAgent: Record<string, Usage> = {};
  let total: Usage | null = null;
  for (const agent of state.agents.values()) {
    if (!agent.usage) continue;
    byAgent[agent.id] = agent.usage;
    total = addUsage(total, agent.usage, agent.usage.model);
  }
  const byDay: UsageStats['byDay'] = {};
  for (const [day, { total: dayTotal, byAgent: dayAgents }] of state.usageByDay) {
    byDay[day] = { total: dayTotal, byAgent: Object.fromEntries(dayAgents) };
  }
  return { total, byAgent, byDay };
}
