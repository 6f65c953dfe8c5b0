/**
 * Tasks as the database keeps them: without the fields that hold a new task's empty value (an empty description, no
 * tags, no lease, ...), which are most of a task's 45 fields for most tasks. A new task is 150 bytes instead of 730:
 * every commit writes less, and a daemon joining a registry of 100,000 tasks parses a fifth of the text. Reading puts
 * the empty values back, in the fields' usual order; a row written whole (by an older daemon, a restore) reads the same.
 *
 * `id` and `version` are always written (commit_group and touch read them from the text), and so is `schemaVersion`.
 */
import { buildTask } from '../../protocol/newTask.js';
import type { Task } from '../../protocol/index.js';

/** A task with every field at its empty value, in the order new tasks have them. */
const EMPTY: Readonly<Task> = Object.freeze(buildTask({ title: '' }, '', ''));
// The schema version too: should a later version change a field's empty value, a row says which one it left out.
const ALWAYS = new Set<string>(['id', 'version', 'schemaVersion']);

/** The task as JSON text, without the fields that hold their empty value. */
export function compactTaskJson(task: Task): string {
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(task) as (keyof Task)[]) {
    const value = task[key];
    if (ALWAYS.has(key) || !isEmptyValue(value, EMPTY[key])) kept[key] = value;
  }
  return JSON.stringify(kept);
}

/** A stored task, whole again: the empty values where the text left fields out. */
export function expandTask(stored: Partial<Task>): Task {
  return { ...EMPTY, ...stored } as Task;
}

function isEmptyValue(value: unknown, empty: unknown): boolean {
  if (value === empty) return true;
  if (typeof value !== 'object' || value === null || typeof empty !== 'object' || empty === null) return false;
  if (Array.isArray(value)) return Array.isArray(empty) && value.length === 0 && empty.length === 0;
  // The empty records ({}) and the metrics of a task not started ({ waitMs: null, ... }): same keys, same primitives.
  const keys = Object.keys(value);
  const emptyKeys = Object.keys(empty);
  if (Array.isArray(empty) || keys.length !== emptyKeys.length) return false;
  return keys.every((key) => (value as Record<string, unknown>)[key] === (empty as Record<string, unknown>)[key]);
}
