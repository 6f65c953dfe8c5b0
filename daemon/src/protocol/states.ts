/** The task state machine of the contract: the one table every other module reads. */

export const TASK_STATES = [
  'backlog',
  'pending',
  'assigned',
  'active',
  'paused',
  'review',
  'approved',
  'done',
  'failed',
  'cancelled',
] as const;

export type TaskState = (typeof TASK_STATES)[number];

export const TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  backlog: ['pending', 'cancelled'],
  pending: ['assigned', 'active', 'cancelled'],
  assigned: ['active', 'pending', 'cancelled'],
  active: ['done', 'failed', 'paused', 'review', 'cancelled'],
  paused: ['active', 'cancelled'],
  review: ['approved', 'active', 'failed'],
  approved: ['done'],
  failed: ['pending'],
  done: [],
  cancelled: [],
};

/** States in which a task is someone's current work (the `/v1/active` view). */
export const ACTIVE_STATES: readonly TaskState[] = ['assigned', 'active', 'paused', 'review'];

/** States that end a run and put the task in the history. `failed` may still be retried. */
export const FINISHED_STATES: readonly TaskState[] = ['done', 'failed', 'cancelled'];

/** Where an operator reset may send a task, whatever its state. */
export const RESET_TARGETS = ['pending', 'failed', 'cancelled'] as const;
export type ResetTarget = (typeof RESET_TARGETS)[number];

/** States a task may be created in. */
export const INITIAL_STATES = ['pending', 'backlog', 'active'] as const;

export function allowedTransitions(from: TaskState): readonly TaskState[] {
  return TRANSITIONS[from];
}

export function canTransition(from: TaskState, to: TaskState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isActive(state: TaskState): boolean {
  return ACTIVE_STATES.includes(state);
}

export function isFinished(state: TaskState): boolean {
  return FINISHED_STATES.includes(state);
}
