/** Read-only views of the registry: lists with filters and cursors, the active set, history, stats, replay. */
import {
  ACTIVE_STATES,
  DEFAULT_LIST_LIMIT,
  FINISHED_STATES,
  TrackerError,
  checkReplay,
  matchesTaskQuery,
  replaySteps,
  type Agent,
  type Replay,
  type Task,
  type HistoryQuery,
  type TaskQuery,
  type TrackerEvent,
} from '../protocol/index.js';
import type { TrackerState } from '../store/state.js';
import { usageStats, type UsageStats } from './usageStats.js';
import type { Store } from '../store/store.js';
import { agentWork, presentAgent, presentTask } from './views.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
}

/** Tasks in creation order; the cursor is the creation rank of the last item returned. */
export function listTasks(state: TrackerState, query: TaskQuery): Page<Task> {
  const { cursor, limit = DEFAULT_LIST_LIMIT } = query;
  const after = cursor === undefined ? -1 : decodeCursor(cursor);
  const items: Task[] = [];
  let total = 0;
  let lastRank = -1;
  let more = false;
  for (const { task, rank } of state.tasks.ranked()) {
    if (!matchesTaskQuery(task, query)) continue;
    total++;
    if (rank <= after) continue;
    if (items.length < limit) {
      items.push(presentTask(state, task));
      lastRank = rank;
    } else more = true;
  }
  return { items, nextCursor: more ? encodeCursor(lastRank) : null, total };
}

function encodeCursor(rank: number): string {
  return Buffer.from(`r${rank}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^r(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) {
    throw new TrackerError('validation_failed', 'invalid cursor', [{ path: 'cursor', message: 'not a cursor from this API' }]);
  }
  return Number(match[1]);
}

/** Work in progress: assigned, active, paused, review, the stuck ones among them. */
export function activeTasks(state: TrackerState): Task[] {
  // Only assigned and active tasks can be stuck (every other state clears the flag), so this covers the stuck ones.
  return [...state.tasks.inStates(ACTIVE_STATES)].map((task) => presentTask(state, task));
}

export function history(state: TrackerState, query: HistoryQuery): { items: Task[]; total: number } {
  const since = query.since ? Date.parse(query.since) : undefined;
  const rows: Task[] = [];
  const { offset = 0, limit = DEFAULT_LIST_LIMIT } = query;
  const states = query.state ? FINISHED_STATES.filter((s) => query.state?.includes(s)) : FINISHED_STATES;
  for (const task of state.tasks.inStates(states)) {
    if (!task.completedAt) continue;
    if (query.agentId !== undefined && task.agentId !== query.agentId) continue;
    if (query.jobType !== undefined && task.jobType !== query.jobType) continue;
    if (since !== undefined && Date.parse(task.completedAt) < since) continue;
    rows.push(task);
  }
  // ISO-8601 UTC strings of one format sort as their instants do.
  rows.sort((a, b) => ((a.completedAt as string) < (b.completedAt as string) ? 1 : -1));
  return {
    items: rows.slice(offset, offset + limit).map((task) => presentTask(state, task)),
    total: rows.length,
  };
}

/** Every agent with its derived status, from one pass over the tasks. */
export function listAgents(state: TrackerState): Agent[] {
  const work = agentWork(state);
  return [...state.agents.values()].map((agent) => presentAgent(state, agent, work));
}

export interface Stats {
  seq: number;
  tasks: { total: number; byState: Record<string, number>; stuck: number; blocked: number };
  agents: { total: number; byStatus: Record<string, number>; tasksByAgent: Record<string, Record<string, number>> };
  timings: { meanWaitMs: number | null; meanWorkMs: number | null; meanCycleMs: number | null };
  successRate: number | null;
  usage: UsageStats;
}

export function stats(state: TrackerState): Stats {
  // Maps while counting: ids are client-chosen, and `__proto__` or `constructor` as a key of a plain object would
  // reach Object.prototype. Object.fromEntries then defines each one as an own property, whatever its name.
  const byState = new Map<string, number>();
  const tasksByAgent = new Map<string, Map<string, number>>();
  let stuck = 0;
  let blocked = 0;
  const sums = { wait: [0, 0], work: [0, 0], cycle: [0, 0] };
  for (const stored of state.tasks.values()) {
    increment(byState, stored.state);
    if (stored.agentId) {
      let perAgent = tasksByAgent.get(stored.agentId);
      if (!perAgent) tasksByAgent.set(stored.agentId, (perAgent = new Map<string, number>()));
      increment(perAgent, stored.state);
    }
    if (stored.stuck) stuck++;
    const task = presentTask(state, stored);
    if (task.blocked) blocked++;
    add(sums.wait, task.metrics.waitMs);
    add(sums.work, task.metrics.workMs);
    add(sums.cycle, task.metrics.cycleMs);
  }
  const byStatus = new Map<string, number>();
  for (const agent of listAgents(state)) increment(byStatus, agent.status);
  const done = byState.get('done') ?? 0;
  const failed = byState.get('failed') ?? 0;
  return {
    seq: state.seq,
    tasks: { total: state.tasks.size, byState: Object.fromEntries(byState), stuck, blocked },
    agents: {
      total: state.agents.size,
      byStatus: Object.fromEntries(byStatus),
      tasksByAgent: Object.fromEntries([...tasksByAgent].map(([agentId, counts]) => [agentId, Object.fromEntries(counts)])),
    },
    timings: { meanWaitMs: mean(sums.wait), meanWorkMs: mean(sums.work), meanCycleMs: mean(sums.cycle) },
    successRate: done + failed === 0 ? null : done / (done + failed),
    usage: usageStats(state),
  };
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function add(sum: number[], value: number | null): void {
  if (value === null) return;
  sum[0] = (sum[0] ?? 0) + value;
  sum[1] = (sum[1] ?? 0) + 1;
}

function mean([total = 0, count = 0]: number[]): number | null {
  return count === 0 ? null : Math.round(total / count);
}

export async function taskEvents(store: Store, id: string, after: number, limit: number): Promise<TrackerEvent[]> {
  const events = await store.readTaskEvents(id, after, limit);
  if (!events) throw new TrackerError('not_found', `no task ${id}`);
  return events;
}

/** The replay law checked on demand: the task's events folded with the shared reducer against the stored task. */
export async function replay(store: Store, id: string): Promise<Replay> {
  // The task as it stands now and the seq it stands at; the history holds at least that much, and later events are
  // left out, so both sides describe the same moment.
  const { state } = store;
  const stored = state.tasks.get(id);
  const upTo = store.seq;
  const events = (await store.readTaskEvents(id))?.filter((event) => event.seq <= upTo);
  if (!events) throw new TrackerError('not_found', `no task ${id}`);
  const diff = checkReplay(stored, events);
  const steps = replaySteps(events).map((step) => ({
    event: step.event,
    state: step.state ? presentTask(state, step.state) : null,
  }));
  return diff.length === 0 ? { steps, consistent: true } : { steps, consistent: false, diff };
}
