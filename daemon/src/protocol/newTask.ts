/**
 * A new task from its create request: the defaults every field not given takes. The reducer builds it from a
 * `task.created` event, whose data is the request's fields, so the daemon and every reader of the log build it alike.
 */
import { computeMetrics } from './derive.js';
import type { CreateTaskInput, Task } from './schemas.js';

export const TASK_SCHEMA_VERSION = 1;

/** A create request's fields: what a `task.created` event carries (its id and time are the event's own). */
export type TaskCreateFields = Omit<CreateTaskInput, 'id'>;

/**
 * The empty values a new task holds where its request gave none. Tasks are immutable values (see reducer.ts), so one
 * frozen value serves every task: a registry of a million tasks holds six fewer objects per task, and bulk creation
 * allocates (and the garbage collector tracks) that much less.
 */
const EMPTY_LIST = Object.freeze([]) as never[];
const EMPTY_RECORD: Record<string, never> = Object.freeze({});
const NOT_STARTED: Task['metrics'] = Object.freeze({ waitMs: null, workMs: null, cycleMs: null });

export function normalizeDependencies(deps: TaskCreateFields['dependsOn']): Task['dependsOn'] {
  if (!deps || deps.length === 0) return EMPTY_LIST;
  const seen = new Set<string>();
  const out: Task['dependsOn'] = [];
  for (const dep of deps ?? []) {
    const taskId = typeof dep === 'string' ? dep : dep.taskId;
    if (seen.has(taskId)) continue;
    seen.add(taskId);
    out.push({ taskId, state: 'done' });
  }
  return out;
}

export function buildTask(fields: TaskCreateFields, id: string, at: string): Task {
  const state = fields.state ?? 'pending';
  const started = state === 'active';
  const task: Task = {
    id,
    title: fields.title,
    description: fields.description ?? '',
    type: fields.type ?? '',
    priority: fields.priority ?? 5,
    tags: fields.tags ?? EMPTY_LIST,
    state,
    agentId: fields.agentId ?? null,
    parentId: fields.parentId ?? null,
    requestId: fields.requestId ?? null,
    jobType: fields.jobType ?? 'api',
    triggerSource: fields.triggerSource ?? null,
    input: fields.input ?? EMPTY_RECORD,
    progress: fields.progress ?? 0,
    step: fields.step ?? '',
    itemsProcessed: fields.itemsProcessed ?? 0,
    itemsFailed: fields.itemsFailed ?? 0,
    attempts: started ? 1 : 0,
    maxAttempts: fields.maxAttempts ?? null,
    lastError: null,
    errors: EMPTY_LIST,
    result: fields.result ?? null,
    outputs: fields.outputs ?? EMPTY_RECORD,
    artifacts: fields.artifacts ?? EMPTY_LIST,
    dependsOn: normalizeDependencies(fields.dependsOn),
    blocks: EMPTY_LIST,
    checkpoint: null,
    createdAt: at,
    updatedAt: at,
    assignedAt: started && fields.agentId ? at : null,
    startedAt: started ? at : null,
    completedAt: null,
    expiresAt: fields.expiresAt ?? null,
    lease: null,
    stuck: null,
    needsInput: null,
    usage: null,
    blocked: false,
    metrics: NOT_STARTED,
    archived: false,
    version: 1,
    schemaVersion: TASK_SCHEMA_VERSION,
  };
  if (started) task.metrics = computeMetrics(task);
  return task;
}
