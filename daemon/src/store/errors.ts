/**
 * The typed failures of a store. The HTTP layer renders each as the contract's error: a store that cannot write now is
 * 503 `unavailable` (nothing was recorded), a multi-writer store that lost a race is 409 `conflict`.
 */
import { describeError, TrackerError } from '../protocol/index.js';

/** A write (or read) of the store's storage failed; nothing of the failed write was acknowledged. */
export class StorageError extends Error {
  constructor(cause: unknown, what = 'event log write') {
    super(`${what} failed: ${describeError(cause)}`, { cause });
    this.name = 'StorageError';
  }
}

/** The store refuses writes for now (rebuilding after a failure, closing, its database gone). */
export class StoreUnavailableError extends TrackerError {
  constructor(message = 'the event log is unavailable; nothing was recorded') {
    super('unavailable', message);
    this.name = 'StoreUnavailableError';
  }
}

/** Another writer changed a task the command was decided on (multi-writer stores): the command may be retried. */
export class StoreConflictError extends TrackerError {
  constructor(
    readonly taskId: string,
    message = `task ${taskId} was changed by another writer; retry`,
  ) {
    super('conflict', message, { taskId });
    this.name = 'StoreConflictError';
  }
}
