/**
 * The Dashboard's figures without `vscode`: what needs the user, open tasks as the status bar counts them, spend
 * against each budget, throughput per hour, success rate, wait and work times, tokens and cost per agent and per day.
 * Plain numbers and labels; the page draws them as charts.
 */
import { distinctAgentNames, type DistinctName } from './agentNames.js';
import { budgetDetail, budgetName, budgetShortText, tightestBudget } from './budgetWords.js';
import { dayLabel, localDayKey } from './format.js';
import { computeMetrics, type Agent, type Budget, type BudgetState, type Task } from './protocol.js';
import { TASK_GROUP_LABELS, TASK_GROUPS, type OpenTaskCounts, type TaskGroupId } from './taskTree.js';

export interface Bar {
  label: string;
  value: number;
  /** The end of `label` that tells it from bars of the same name (`DistinctName.tell`): kept in sight when it is cut. */
  tell?: string;
}

export interface DashboardInput {
  tasks: Iterable<Task>;
  agents: Iterable<Agent>;
  /** The open tasks as the status bar counts them (`TaskTree.counts`). */
  counts: OpenTaskCounts;
  /** The budgets as the daemon last reported them; undefined where they are not read (the web board). */
  budgets?: readonly Budget[];
}

/** One budget: its words (the status bar's), and how far its spend and forecast reach, as shares of its limit. */
export interface BudgetLine {
  name: string;
  short: string;
  detail: string;
  state: BudgetState;
  spent: number;
  forecast: number;
}

/** The finished states a bar of "Tasks by state" stands for, after the open groups. */
const FINISHED = ['done', 'failed', 'cancelled'] as const;

export interface DashboardView {
  at: number;
  counts: OpenTaskCounts;
  /** Every budget, the tightest (the one the status bar shows) first; null where budgets are not read. */
  budgets: BudgetLine[] | null;
  /** Open tasks by the Tasks view's groups (the status bar's counts), then the finished ones; `kind` picks the look. */
  byState: (Bar & { kind: TaskGroupId | (typeof FINISHED)[number] })[];
  /**
   * Tasks finished in each of the last 24 hours, oldest first: done and failed. `label` names the hour with its day;
   * `axis` says where to write what under the chart (the first hour, each midnight, the last).
   */
  throughput: { label: string; done: number; failed: number; /** The first hour of a new day. */ dayStart: boolean }[];
  axis: { index: number; label: string }[];
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

export function dashboardView(input: DashboardInput, now: number): DashboardView {
  const finishedCounts = new Map<string, number>(FINISHED.map((s) => [s, 0]));
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
  for (const task of input.tasks) {
    if (task.archived) continue;
    if (finishedCounts.has(task.state)) finishedCounts.set(task.state, (finishedCounts.get(task.state) ?? 0) + 1);
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
  const names = distinctAgentNames(input.agents, now);
  const name = (id: string): DistinctName => (id ? (names.get(id) ?? { text: id }) : { text: 'no agent' });
  return {
    at: now,
    counts: input.counts,
    budgets: input.budgets ? budgetLines(input.budgets) : null,
    byState: [
      ...TASK_GROUPS.map((group) => ({ kind: group, label: TASK_GROUP_LABELS[group], value: input.counts[group] })),
      ...FINISHED.map((state) => ({ kind: state, label: `${state[0]?.toUpperCase()}${state.slice(1)}`, value: finishedCounts.get(state) ?? 0 })),
    ],
    throughput: hours.map((h, i) => ({
      label: `${dayText(h.start)} ${clock(h.start)} to ${clock(h.start + HOUR)}`,
      done: h.done,
      failed: h.failed,
      dayStart: i > 0 && localDayKey(new Date(h.start).toISOString()) !== localDayKey(new Date(h.start - HOUR).toISOString()),
    })),
    axis: hourAxis(hours.map((h) => h.start)),
    successRate: done + failed ? done / (done + failed) : null,
    finishedToday: done + failed,
    waitMs: summary(waits),
    workMs: summary(works),
    tokensByAgent: top(agentTokens, name),
    costByAgent: top(agentCost, name),
    tokensByDay: dayKeys.map((d) => ({ label: dayLabel(d, now), value: dayTokens.get(d) ?? 0 })),
    costByDay: dayKeys.map((d) => ({ label: dayLabel(d, now), value: dayCost.get(d) ?? 0 })),
  };
}

const clock = (ms: number): string => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const dayText = (ms: number): string => new Date(ms).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

/** The labels under the hourly chart: its start with its day, the day at each midnight between (unless crowded), now. */
function hourAxis(starts: number[]): { index: number; label: string }[] {
  const axis: { index: number; label: string }[] = [];
  const day = (ms: number): string => localDayKey(new Date(ms).toISOString());
  starts.forEach((start, index) => {
    if (index === 0) axis.push({ index, label: `${dayText(start)} ${clock(start)}` });
    else if (day(start) !== day(starts[index - 1] as number) && index > 3 && index < starts.length - 3) axis.push({ index, label: dayText(start) });
  });
  axis.push({ index: starts.length, label: 'now' });
  return axis;
}

function budgetLines(budgets: readonly Budget[]): BudgetLine[] {
  const tightest = tightestBudget(budgets);
  const ordered = tightest ? [tightest, ...budgets.filter((b) => b !== tightest)] : [];
  return ordered.map((b) => ({
    name: budgetName(b),
    short: budgetShortText(b),
    detail: budgetDetail(b),
    state: b.state,
    spent: b.spentUsd / b.usd,
    forecast: b.forecastUsd / b.usd,
  }));
}

function summary(values: number[]): { mean: number | null; median: number | null } {
  if (!values.length) return { mean: null, median: null };
  values.sort((a, b) => a - b);
  const mid = Math.floor(values.length / 2);
  const median = values.length % 2 ? (values[mid] as number) : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, median };
}

function top(map: Map<string, number>, name: (id: string) => DistinctName): Bar[] {
  const bars = [...map].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  const shown = bars.slice(0, TOP_AGENTS).map(([id, value]): Bar => {
    const { text, tell } = name(id);
    return tell ? { label: text, value, tell } : { label: text, value };
  });
  const rest = bars.slice(TOP_AGENTS).reduce((sum, [, v]) => sum + v, 0);
  if (rest > 0) shown.push({ label: 'others', value: rest });
  return shown;
}
