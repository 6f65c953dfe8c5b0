/**
 * The Timeline's data without `vscode`: one lane per agent, one bar per task over the last hours (from its start, or
 * its creation if it never started, to its end or now), with the stretches it was stuck or waiting for the user.
 */
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
  /** Still running at `to`. */
  open: boolean;
  marks: TimelineMark[];
}

export interface TimelineLane {
  agentId: string;
  name: string;
  kind?: string;
  bars: TimelineBar[];
}

export interface TimelineView {
  from: number;
  to: number;
  lanes: TimelineLane[];
  /** Bars left out of lanes that had more than the limit (the oldest go first). */
  omitted: number;
}

export const TIMELINE_HOURS = 6;
/** A lane with more bars than this shows the newest ones; a page of thousands of bars helps nobody. */
export const MAX_BARS_PER_LANE = 300;

export function timelineView(tasks: Iterable<Task>, agents: Iterable<Agent>, now: number, hours = TIMELINE_HOURS): TimelineView {
  const from = now - hours * 3_600_000;
  const lanes = new Map<string, TimelineLane>();
  for (const agent of agents) {
    lanes.set(agent.id, { agentId: agent.id, name: agent.name || agent.id, kind: agentKindName(agent.meta.kind), bars: [] });
  }
  for (const task of tasks) {
    if (!task.agentId || task.archived) continue;
    const bar = barOf(task, from, now);
    if (!bar) continue;
    let lane = lanes.get(task.agentId);
    if (!lane) lanes.set(task.agentId, (lane = { agentId: task.agentId, name: task.agentId, bars: [] }));
    lane.bars.push(bar);
  }
  let omitted = 0;
  for (const lane of lanes.values()) {
    lane.bars.sort((a, b) => a.start - b.start || a.taskId.localeCompare(b.taskId));
    if (lane.bars.length > MAX_BARS_PER_LANE) {
      omitted += lane.bars.length - MAX_BARS_PER_LANE;
      lane.bars = lane.bars.slice(-MAX_BARS_PER_LANE);
    }
  }
  const sorted = [...lanes.values()].sort((a, b) => a.name.localeCompare(b.name) || a.agentId.localeCompare(b.agentId));
  return { from, to: now, lanes: sorted, omitted };
}

function barOf(task: Task, from: number, now: number): TimelineBar | undefined {
  const start = Date.parse(task.startedAt ?? task.assignedAt ?? task.createdAt);
  const finished = task.completedAt !== null && (task.state === 'done' || task.state === 'failed' || task.state === 'cancelled');
  const end = finished ? Date.parse(task.completedAt as string) : now;
  if (!Number.isFinite(start) || end < from || start > now) return undefined;
  const marks: TimelineMark[] = [];
  if (task.stuck) marks.push({ kind: 'stuck', start: Math.max(from, Date.parse(task.stuck.since)), end });
  const needs = needsInputOf(task);
  if (needs) marks.push({ kind: 'needs', start: Math.max(from, Date.parse(needs.since)), end });
  return {
    taskId: task.id,
    title: task.title,
    state: task.state,
    stateText: task.stuck ? `${stateText(task.state)}, stuck` : needs ? 'waiting for you' : stateText(task.state),
    start: Math.max(start, from),
    end,
    open: !finished,
    marks,
  };
}
