/** Checks shared by the commands: each throws the contract's error and leaves the registry untouched. */
import {
  TrackerError,
  allowedTransitions,
  canTransition,
  type Task,
  type TaskState,
} from '../protocol/index.js';
import type { TrackerState } from '../store/state.js';
import { blockers } from './views.js';

export function requireTask(state: TrackerState, id: string): Task {
  const task = state.tasks.get(id);
  if (!task) throw new TrackerError('not_found', `no task ${id}`);
  return task;
}

export function checkVersion(task: Task, expected: number | undefined): void {
  if (expected !== undefined && task.version !== expected) {
    throw new TrackerError('version_conflict', `task ${task.id} is at version ${task.version}, not ${expected}`, {
      expected,
      actual: task.version,
    });
  }
}

export function checkTransition(task: Task, to: TaskState): void {
  if (!canTransition(task.state, to)) {
    throw new TrackerError('invalid_transition', `a ${task.state} task cannot become ${to}`, {
      from: task.state,
      to,
      allowed: allowedTransitions(task.state),
    });
  }
}

/** Starting work needs every dependency done and an attempt left. */
export function checkStartable(state: TrackerState, task: Task): void {
  const blockedBy = blockers(state, task);
  if (blockedBy.length > 0) {
    throw new TrackerError('conflict', `task ${task.id} is blocked by ${blockedBy.join(', ')}`, { blockedBy });
  }
  checkAttemptsLeft(task);
}

export function checkAttemptsLeft(task: Task): void {
  if (task.maxAttempts !== null && task.attempts >= task.maxAttempts) {
    throw new TrackerError('conflict', `task ${task.id} has used all ${task.maxAttempts} attempts`, {
      attempts: task.attempts,
      maxAttempts: task.maxAttempts,
    });
  }
}

export function leaseIsLive(task: Task, now: number): boolean {
  return task.lease !== null && Date.parse(task.lease.expiresAt) > now;
}

/** Another agent's live lease fences the task: only its holder may act as an agent on it. */
export function checkNotFenced(task: Task, agentId: string | undefined, now: number): void {
  if (agentId && task.lease && task.lease.agentId !== agentId && leaseIsLive(task, now)) {
    throw new TrackerError('not_lease_holder', `task ${task.id} is leased to ${task.lease.agentId}`, {
      holder: task.lease.agentId,
    });
  }
}

function invalidField(path: string, message: string): TrackerError {
  return new TrackerError('validation_failed', message, [{ path, message }]);
}

/** A parent must exist; dependencies must exist, not be the task itself, and not close a cycle. */
export function checkReferences(
  state: TrackerState,
  taskId: string,
  parentId: string | null | undefined,
  dependsOn: readonly { taskId: string }[] | undefined,
): void {
  if (parentId) {
    if (parentId === taskId) throw invalidField('parentId', 'a task cannot be its own parent');
    if (!state.tasks.has(parentId)) throw invalidField('parentId', `no task ${parentId}`);
    for (let p: string | null = parentId; p; p = state.tasks.get(p)?.parentId ?? null) {
      if (p === taskId) throw invalidField('parentId', `making ${parentId} the parent would close a cycle`);
    }
  }
  for (const dep of dependsOn ?? []) {
    if (dep.taskId === taskId) throw invalidField('dependsOn', 'a task cannot depend on itself');
    if (!state.tasks.has(dep.taskId)) throw invalidField('dependsOn', `no task ${dep.taskId}`);
    if (dependsOnTransitively(state, dep.taskId, taskId)) {
      throw invalidField('dependsOn', `depending on ${dep.taskId} would close a cycle`);
    }
  }
}

function dependsOnTransitively(state: TrackerState, from: string, target: string): boolean {
  const stack = [from];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const dep of state.tasks.get(id)?.dependsOn ?? []) stack.push(dep.taskId);
  }
  return false;
}
