/**
 * The Dashboard's figures without `vscode`: tasks by state, throughput per hour, success rate, wait and work times,
 * tokens and cost per agent and per day. Plain numbers and labels; the page draws them as charts.
 */
import { localDayKey } from './format.js';
import { TASK_STATES, computeMetrics, type Agent, type Task, type TaskState } from './protocol.js';

export interface Bar {
  label: string;
  value: number;
}

export interface DashboardView {
  at: number;
  byState: (Bar & { state: TaskState })[];
  /** Tasks finished in each of the last 24 hours, oldest first: done and failed. */
  throughput: { label: string; done: number; failed: number }[];
  /** done / (done + failed) of the last 24 hours; null when nothing finished. */
  successRate: number | null;
  finishedToday: number;
  waitMs: { mean: number | null; median: number | null };
  workMs: { mean: number | null; median: number | null };
  tokensByAgent: Bar[];
  costByAgent: Bar[];
  tokensByDay: Bar[];
  costByDay: Bar[];
}

const HOUR = 3_600_000;
const DAYS = 7;
/** The agents with the most tokens; the rest are summed as "others". */
const TOP_AGENTS = 12;

export function dashboardView(tasks: Iterable<Task>, agents: (id: string) => Agent | undefined, now: number): DashboardView {
  const byState = new Map<TaskState, number>(TASK_STATES.map((s) => [s, 0]));
  const hours = Array.from({ length: 24 }, (_, i) => ({ start: now - (24 - i) * HOUR, done: 0, failed: 0 }));
  const waits: number[] = [];
  const works: number[] = [];
  const agentTokens = new Map<string, number>();
  const agentCost = new Map<string, number>();
  const dayKeys = Array.from({ length: DAYS }, (_, i) => localDayKey(new Date(now - (DAYS - 1 - i) * 24 * HOUR).toISOString()));
  const dayTokens = new Map<string, number>(dayKeys.map((d) => [d, 0]));
  const dayCost = new Map<string, number>(dayKeys.map((d) => [d, 0]));
  let done = 0;
  let failed = 0;
  for (const task of tasks) {
    if (task.archived) continue;
    byState.set(task.state, (byState.get(task.state) ?? 0) + 1);
    const completed = task.completedAt ? Date.parse(task.completedAt) : NaN;
    if (now - completed <= 24 * HOUR && (task.state === 'done' || task.state === 'failed')) {
      const hour = hours[Math.min(23, Math.max(0, Math.floor((completed - (now - 24 * HOUR)) / HOUR)))];
      if (hour) hour[task.state] += 1;
      if (task.state === 'done') done += 1;
      else failed += 1;
      const metrics = computeMetrics(task);
      if (metrics.waitMs !== null) waits.push(metrics.waitMs);
      if (metrics.workMs !== null) works.push(metrics.workMs);
    }
    const usage = task.usage;
    if (!usage) continue;
    const tokens = usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
    const cost = usage.costUsd;
    const who = task.agentId ?? '';
    agentTokens.set(who, (agentTokens.get(who) ?? 0) + tokens);
    agentCost.set(who, (agentCost.get(who) ?? 0) + cost);
    const day = localDayKey(task.completedAt ?? task.updatedAt);
    if (dayTokens.has(day)) {
      dayTokens.set(day, (dayTokens.get(day) ?? 0) + tokens);
      dayCost.set(day, (dayCost.get(day) ?? 0) + cost);
    }
  }
  const name = (id: string): string => (id ? agents(id)?.name || id : 'no agent');
  return {
    at: now,
    byState: TASK_STATES.map((state) => ({ state, label: state, value: byState.get(state) ?? 0 })),
    throughput: hours.map((h) => ({ label: new Date(h.start + HOUR).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }), done: h.done, failed: h.failed })),
    successRate: done + failed ? done / (done + failed) : null,
    finishedToday: done + failed,
    waitMs: summary(waits),
    workMs: summary(works),
    tokensByAgent: top(agentTokens, name),
    costByAgent: top(agentCost, name),
    tokensByDay: dayKeys.map((d) => ({ label: d, value: dayTokens.get(d) ?? 0 })),
    costByDay: dayKeys.map((d) => ({ label: d, value: dayCost.get(d) ?? 0 })),
  };
}

function summary(values: number[]): { mean: number | null; median: number | null } {
  if (!values.length) return { mean: null, median: null };
  values.sort((a, b) => a - b);
  const mid = Math.floor(values.length / 2);
  const median = values.length % 2 ? (values[mid] as number) : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, median };
}

function top(map: Map<string, number>, name: (id: string) => string): Bar[] {
  const bars = [...map].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  const shown = bars.slice(0, TOP_AGENTS).map(([id, value]) => ({ label: name(id), value }));
  const rest = bars.slice(TOP_AGENTS).reduce((sum, [, v]) => sum + v, 0);
  if (rest > 0) shown.push({ label: 'others', value: rest });
  return shown;
}
