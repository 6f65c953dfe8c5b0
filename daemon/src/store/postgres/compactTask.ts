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

/**
 * A stored task, whole again: the empty values where the text left fields out. Spelled out field by field, in the order
 * new tasks have them, rather than spread over the empty task: a joining daemon expands every task of the registry,
 * and the literal is some thirty times faster (and gives every task the same shape). The type checker holds it to
 * every field of Task.
 */
export function expandTask(s: Partial<Task>): Task {
  return {
    id: s.id === undefined ? EMPTY.id : s.id,
    title: s.title === undefined ? EMPTY.title : s.title,
    description: s.description === undefined ? EMPTY.description : s.description,
    type: s.type === undefined ? EMPTY.type : s.type,
    priority: s.priority === undefined ? EMPTY.priority : s.priority,
    tags: s.tags === undefined ? EMPTY.tags : s.tags,
    state: s.state === undefined ? EMPTY.state : s.state,
    agentId: s.agentId === undefined ? EMPTY.agentId : s.agentId,
    parentId: s.parentId === undefined ? EMPTY.parentId : s.parentId,
    requestId: s.requestId === undefined ? EMPTY.requestId : s.requestId,
    jobType: s.jobType === undefined ? EMPTY.jobType : s.jobType,
    triggerSource: s.triggerSource === undefined ? EMPTY.triggerSource : s.triggerSource,
    input: s.input === undefined ? EMPTY.input : s.input,
    progress: s.progress === undefined ? EMPTY.progress : s.progress,
    step: s.step === undefined ? EMPTY.step : s.step,
    itemsProcessed: s.itemsProcessed === undefined ? EMPTY.itemsProcessed : s.itemsProcessed,
    itemsFailed: s.itemsFailed === undefined ? EMPTY.itemsFailed : s.itemsFailed,
    attempts: s.attempts === undefined ? EMPTY.attempts : s.attempts,
    maxAttempts: s.maxAttempts === undefined ? EMPTY.maxAttempts : s.maxAttempts,
    lastError: s.lastError === undefined ? EMPTY.lastError : s.lastError,
    errors: s.errors === undefined ? EMPTY.errors : s.errors,
    result: s.result === undefined ? EMPTY.result : s.result,
    outputs: s.outputs === undefined ? EMPTY.outputs : s.outputs,
    artifacts: s.artifacts === undefined ? EMPTY.artifacts : s.artifacts,
    dependsOn: s.dependsOn === undefined ? EMPTY.dependsOn : s.dependsOn,
    blocks: s.blocks === undefined ? EMPTY.blocks : s.blocks,
    checkpoint: s.checkpoint === undefined ? EMPTY.checkpoint : s.checkpoint,
    createdAt: s.createdAt === undefined ? EMPTY.createdAt : s.createdAt,
    updatedAt: s.updatedAt === undefined ? EMPTY.updatedAt : s.updatedAt,
    assignedAt: s.assignedAt === undefined ? EMPTY.assignedAt : s.assignedAt,
    startedAt: s.startedAt === undefined ? EMPTY.startedAt : s.startedAt,
    completedAt: s.completedAt === undefined ? EMPTY.completedAt : s.completedAt,
    expiresAt: s.expiresAt === undefined ? EMPTY.expiresAt : s.expiresAt,
    lease: s.lease === undefined ? EMPTY.lease : s.lease,
    stuck: s.stuck === undefined ? EMPTY.stuck : s.stuck,
    needsInput: s.needsInput === undefined ? EMPTY.needsInput : s.needsInput,
    usage: s.usage === undefined ? EMPTY.usage : s.usage,
    blocked: s.blocked === undefined ? EMPTY.blocked : s.blocked,
    metrics: s.metrics === undefined ? EMPTY.metrics : s.metrics,
    archived: s.archived === undefined ? EMPTY.archived : s.archived,
    version: s.version === undefined ? EMPTY.version : s.version,
    schemaVersion: s.schemaVersion === undefined ? EMPTY.schemaVersion : s.schemaVersion,
  };
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
