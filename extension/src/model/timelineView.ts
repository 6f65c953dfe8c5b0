/**
 * The Timeline's data without `vscode`: one lane per agent, one bar per task (from its start, or its creation if it
 * never started, to its end or now), with the stretches it was stuck or waiting for the user. By default the window
 * fits the work of the last day, so a ten-minute session fills the page rather than a sliver of a fixed six hours; the
 * page may choose a fixed window instead (the last 15 minutes, hour, 6 hours or day), always ending just after now.
 */
import { distinctAgentNames } from './agentNames.js';
import { agentKindName, needsInputOf, stateText } from './plainWords.js';
import type { Agent, Task, TaskState } from './protocol.js';

export interface TimelineMark {
  kind: 'stuck' | 'needs';
  start: number;
  end: number;
}

export interface TimelineBar {
  taskId: string;
  title: string;
  state: TaskState;
  stateText: string;
  start: number;
  end: number;
  /** Still running at `now`. */
  open: boolean;
  marks: TimelineMark[];
  /** The row of its lane: bars that overlap in time (an agent running several tasks at once) sit one above another. */
  row: number;
}

export interface TimelineLane {
  agentId: string;
  /** The agent's name, told apart from others of the same name. */
  name: string;
  /** The end of `name` that tells it apart (`DistinctName.tell`): kept in sight when the name is cut. */
  tell?: string;
  kind?: string;
  bars: TimelineBar[];
  rows: number;
}

export const TIMELINE_ZOOMS = ['fit', '15m', '1h', '6h', '24h'] as const;
export type TimelineZoom = (typeof TIMELINE_ZOOMS)[number];

export interface TimelineView {
  zoom: TimelineZoom;
  /** The window shown: `to` is a little after `now`, so the "now" line and the ends of running bars are in sight. */
  from: number;
  to: number;
  now: number;
  /** Axis ticks, on round local times, `tickMs` apart. */
  ticks: number[];
  tickMs: number;
  lanes: TimelineLane[];
  /** Bars left out of lanes that had more than the limit (the oldest go first). */
  omitted: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ZOOM_MS: Readonly<Record<Exclude<TimelineZoom, 'fit'>, number>> = { '15m': 15 * MINUTE, '1h': HOUR, '6h': 6 * HOUR, '24h': 24 * HOUR };
/** How far back "fit" looks: work that ended longer ago than this is history, not the timeline. */
const FIT_REACH_MS = 24 * HOUR;
/** "fit" never zooms in closer than this: a task of a few seconds would otherwise fill the page. */
const MIN_FIT_MS = 2 * MINUTE;
/** Room after now, as a share of the window. */
const AFTER_NOW = 0.03;
const LONGEST_TICK = 6 * HOUR;
const TICK_STEPS = [10_000, 15_000, 30_000, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, LONGEST_TICK];
const MAX_TICKS = 8;
/** Share of the window around now kept free of tick labels. */
const NOW_CLEARANCE = 0.08;
/** A lane with more bars than this shows the newest ones; a page of thousands of bars helps nobody. */
export const MAX_BARS_PER_LANE = 300;
/** Rows a lane may stack overlapping bars in. */
const MAX_ROWS = 4;

export function isTimelineZoom(value: unknown): value is TimelineZoom {
  return (TIMELINE_ZOOMS as readonly unknown[]).includes(value);
}

export function timelineView(tasks: Iterable<Task>, agents: Iterable<Agent>, now: number, zoom: TimelineZoom = 'fit'): TimelineView {
  // Every bar of the last day first: "fit" needs them to know its window, and the fixed windows are within it.
  const barsByAgent = new Map<string, TimelineBar[]>();
  let earliest = now;
  for (const task of tasks) {
    if (!task.agentId || task.archived) continue;
    const bar = barOf(task, now - FIT_REACH_MS, now);
    if (!bar) continue;
    earliest = Math.min(earliest, Math.max(bar.start, now - FIT_REACH_MS));
    let bars = barsByAgent.get(task.agentId);
    if (!bars) barsByAgent.set(task.agentId, (bars = []));
    bars.push(bar);
  }
  const span = zoom === 'fit' ? Math.max(MIN_FIT_MS, now - earliest) : ZOOM_MS[zoom];
  const from = now - span * (zoom === 'fit' ? 1 + AFTER_NOW : 1);
  const to = now + span * AFTER_NOW;

  const known = [...agents];
  const names = distinctAgentNames(known, now);
  const lanes: TimelineLane[] = [];
  const seen = new Set<string>();
  let omitted = 0;
  const laneOf = (agentId: string, agent: Agent | undefined): void => {
    seen.add(agentId);
    let bars = (barsByAgent.get(agentId) ?? []).filter((bar) => bar.end >= from).map((bar) => clip(bar, from));
    // A live agent keeps its lane even when idle; one that went offline shows only while its work is in the window.
    if (!bars.length && (!agent || agent.status === 'offline')) return;
    bars.sort((a, b) => a.start - b.start || a.taskId.localeCompare(b.taskId));
    if (bars.length > MAX_BARS_PER_LANE) {
      omitted += bars.length - MAX_BARS_PER_LANE;
      bars = bars.slice(-MAX_BARS_PER_LANE);
    }
    const { text, tell } = names.get(agentId) ?? { text: agentId };
    lanes.push({ agentId, name: text, ...(tell ? { tell } : {}), kind: agent ? agentKindName(agent.meta.kind) : undefined, bars, rows: stack(bars) });
  };
  for (const agent of known) laneOf(agent.id, agent);
  for (const agentId of barsByAgent.keys()) if (!seen.has(agentId)) laneOf(agentId, undefined);
  lanes.sort((a, b) => a.name.localeCompare(b.name) || a.agentId.localeCompare(b.agentId));
  const tickMs = TICK_STEPS.find((step) => (to - from) / step <= MAX_TICKS) ?? LONGEST_TICK;
  // The "now" label stands at now: a tick label next to it would run into it.
  const ticks = localTicks(from, to, tickMs).filter((t) => Math.abs(t - now) > (to - from) * NOW_CLEARANCE);
  return { zoom, from, to, now, ticks, tickMs, lanes, omitted };
}

function barOf(task: Task, from: number, now: number): TimelineBar | undefined {
  const start = Date.parse(task.startedAt ?? task.assignedAt ?? task.createdAt);
  const finished = task.completedAt !== null && (task.state === 'done' || task.state === 'failed' || task.state === 'cancelled');
  const end = finished ? Date.parse(task.completedAt as string) : now;
  if (!Number.isFinite(start) || end < from || start > now) return undefined;
  const marks: TimelineMark[] = [];
  if (task.stuck) marks.push({ kind: 'stuck', start: Date.parse(task.stuck.since), end });
  const needs = needsInputOf(task);
  if (needs) marks.push({ kind: 'needs', start: Date.parse(needs.since), end });
  return {
    taskId: task.id,
    title: task.title,
    state: task.state,
    stateText: task.stuck ? `${stateText(task.state)}, stuck` : needs ? 'waiting for you' : stateText(task.state),
    start,
    end,
    open: !finished,
    marks,
    row: 0,
  };
}

/**
 * Gives each bar (sorted by start) the first row where it overlaps nothing, up to MAX_ROWS (the last row takes what
 * is left over); returns how many rows the lane needs.
 */
function stack(bars: TimelineBar[]): number {
  const ends: number[] = [];
  for (const bar of bars) {
    let row = ends.findIndex((end) => end <= bar.start);
    if (row < 0) row = ends.length < MAX_ROWS ? ends.length : MAX_ROWS - 1;
    bar.row = row;
    ends[row] = Math.max(ends[row] ?? 0, bar.end);
  }
  return Math.max(1, ends.length);
}

/** The bar as the window shows it: nothing drawn before the window's start. */
function clip(bar: TimelineBar, from: number): TimelineBar {
  if (bar.start >= from && bar.marks.every((m) => m.start >= from)) return bar;
  return { ...bar, start: Math.max(bar.start, from), marks: bar.marks.map((m) => ({ ...m, start: Math.max(m.start, from) })) };
}

/** Ticks on round times of the local clock (14:00, 14:15, 14:15:30), as the user reads a clock, not UTC's. */
function localTicks(from: number, to: number, step: number): number[] {
  const offset = -new Date(from).getTimezoneOffset() * MINUTE;
  const ticks: number[] = [];
  for (let t = Math.ceil((from + offset) / step) * step - offset; t <= to; t += step) ticks.push(t);
  return ticks;
}
