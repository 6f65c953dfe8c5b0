/** Builds the full task a `task.created` event carries, from a validated create request. */
import { computeMetrics, type CreateTaskInput, type Task } from '../protocol/index.js';

export const TASK_SCHEMA_VERSION = 1;

export function normalizeDependencies(deps: CreateTaskInput['dependsOn']): Task['dependsOn'] {
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

export function buildTask(input: CreateTaskInput, id: string, at: string): Task {
  const state = input.state ?? 'pending';
  const started = state === 'active';
  const task: Task = {
    id,
    title: input.title,
    description: input.description ?? '',
    type: input.type ?? '',
    priority: input.priority ?? 5,
    tags: input.tags ?? [],
    state,
    agentId: input.agentId ?? null,
    parentId: input.parentId ?? null,
    requestId: input.requestId ?? null,
    jobType: input.jobType ?? 'api',
    triggerSource: input.triggerSource ?? null,
    input: input.input ?? {},
    progress: input.progress ?? 0,
    step: input.step ?? '',
    itemsProcessed: input.itemsProcessed ?? 0,
    itemsFailed: input.itemsFailed ?? 0,
    attempts: started ? 1 : 0,
    maxAttempts: input.maxAttempts ?? null,
    lastError: null,
    errors: [],
    result: input.result ?? null,
    outputs: input.outputs ?? {},
    artifacts: input.artifacts ?? [],
    dependsOn: normalizeDependencies(input.dependsOn),
    blocks: [],
    checkpoint: null,
    createdAt: at,
    updatedAt: at,
    assignedAt: started && input.agentId ? at : null,
    startedAt: started ? at : null,
    completedAt: null,
    expiresAt: input.expiresAt ?? null,
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
