/** The replay law as a function: the steps of a task's history and whether they reproduce the stored task. */
import { foldTask, reduceTask } from './reducer.js';
import type { Task, TrackerEvent } from './schemas.js';

/**
 * Fields left out of the comparison: those the daemon derives from other tasks or from time (`blocked`, `blocks`,
 * `metrics`), and the lease's expiry, which heartbeats renew without writing an event.
 */
export const DERIVED_FIELDS = ['blocked', 'blocks', 'metrics'] as const;

export interface ReplayStep {
  event: TrackerEvent;
  state: Task | null;
}

export interface FieldDiff {
  field: string;
  stored: unknown;
  replayed: unknown;
}

export function replaySteps(events: readonly TrackerEvent[]): ReplayStep[] {
  const steps: ReplayStep[] = [];
  let task: Task | undefined;
  for (const event of events) {
    task = reduceTask(task, event);
    // Each fold returns a new object, so every step keeps its own state without a copy.
    steps.push({ event, state: task ?? null });
  }
  return steps;
}

/** Compares the fields the events determine; an empty list means the replay law holds. */
export function diffTasks(stored: Task | undefined, replayed: Task | undefined): FieldDiff[] {
  if (!stored || !replayed) {
    return stored === replayed ? [] : [{ field: '*', stored: stored ?? null, replayed: replayed ?? null }];
  }
  const a = comparable(stored);
  const b = comparable(replayed);
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  const diffs: FieldDiff[] = [];
  for (const field of fields) {
    if (JSON.stringify(a[field]) !== JSON.stringify(b[field])) {
      diffs.push({ field, stored: a[field], replayed: b[field] });
    }
  }
  return diffs;
}

export function checkReplay(stored: Task | undefined, events: readonly TrackerEvent[]): FieldDiff[] {
  return diffTasks(stored, foldTask(events));
}

/**
 * Which fields changed between two successive states of a replay (the panel highlights them).
 */
export function changedFields(before: Task | null, after: Task | null): string[] {
  if (!before || !after) return after ? Object.keys(after) : [];
  return Object.keys(after).filter(
    (key) => JSON.stringify(before[key as keyof Task]) !== JSON.stringify(after[key as keyof Task]),
  );
}

function comparable(task: Task): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...task };
  for (const field of DERIVED_FIELDS) delete copy[field];
  if (task.lease) copy.lease = { agentId: task.lease.agentId, token: task.lease.token };
  return copy;
}
