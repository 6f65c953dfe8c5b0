/**
 * Model usage in `/v1/stats`: per agent (the agents' own sums), and per UTC day and agent, folded from the `agent.usage`
 * events of the feed (every usage report that names an agent writes one, inside a task or not).
 */
import { addUsage, emptyUsage, type Usage, type UsageData } from '../protocol/index.js';
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
  for (const event of state.events) {
    if (event.type !== 'agent.usage' || !event.agentId) continue;
    const { usage, model } = event.data as unknown as UsageData;
    const day = (byDay[event.at.slice(0, 10)] ??= { total: emptyUsage(), byAgent: {} });
    day.total = addUsage(day.total, usage, model);
    day.byAgent[event.agentId] = addUsage(day.byAgent[event.agentId], usage, model);
  }
  return { total, byAgent, byDay };
}
