/**
 * A new task from its create request: the defaults every field not given takes. The reducer builds it from a
 * `task.created` event, whose data is the request's fields, so the daemon and every reader of the log build it alike.
 */
import { computeMetrics } from './derive.js';
import type { CreateTaskInput, Task } from './schemas.js';

export const TASK_SCHEMA_VERSION = 1;

/** A create request's fields: what a `task.created` event carries (its id and time are the event's own). */
export type TaskCreateFields = Omit<CreateTaskInput, 'id'>;

export function normalizeDependencies(deps: TaskCreateFields['dependsOn']): Task['dependsOn'] {
  if (!deps || deps.length === 0) return [];
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
    tags: fields.tags ?? [],
    state,
    agentId: fields.agentId ?? null,
    parentId: fields.parentId ?? null,
    requestId: fields.requestId ?? null,
    jobType: fields.jobType ?? 'api',
    triggerSource: fields.triggerSource ?? null,
    input: fields.input ?? {},
    progress: fields.progress ?? 0,
    step: fields.step ?? '',
    itemsProcessed: fields.itemsProcessed ?? 0,
    itemsFailed: fields.itemsFailed ?? 0,
    attempts: started ? 1 : 0,
    maxAttempts: fields.maxAttempts ?? null,
    lastError: null,
    errors: [],
    result: fields.result ?? null,
    outputs: fields.outputs ?? {},
    artifacts: fields.artifacts ?? [],
    dependsOn: normalizeDependencies(fields.dependsOn),
    blocks: [],
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
    metrics: { waitMs: null, workMs: null, cycleMs: null },
    archived: false,
    version: 1,
    schemaVersion: TASK_SCHEMA_VERSION,
  };
  task.metrics = computeMetrics(task);
  return task;
}
