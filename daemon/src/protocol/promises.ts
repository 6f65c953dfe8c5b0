/**
 * The deliberate ways of not handling a promise's failure where it happens, each named for why that is safe. A bare
 * `.catch(() => {})` says nothing; a call to one of these says who deals with the failure instead, or why nobody must.
 * Imports nothing, so the hook forwarder's lean bundle can use it too.
 */

const nothing = (): void => undefined;

/**
 * Waits for `promise` to end, whatever its outcome. For queues and shutdowns that only need the turn to come: the
 * failure reaches whoever started or awaits the promise, and is reported there.
 */
export function whenSettled(promise: Promise<unknown> | undefined): Promise<void> {
  return Promise.resolve(promise).then(nothing, nothing);
}

/**
 * Lets `promise` fail with nobody awaiting it without crashing the process, because its failure is dealt with
 * elsewhere: the store reports a failed write itself (health, log), and a caller awaiting the same promise (or the one
 * it derives from) still sees the rejection.
 */
export function handledElsewhere(promise: Promise<unknown> | undefined): void {
  promise?.catch(nothing);
}

/**
 * Cleanup whose failure leaves nothing to do: closing or ending what is being dropped anyway, a rollback before the
 * error that caused it is rethrown, a courtesy the other side does not depend on.
 */
export function bestEffort(promise: Promise<unknown> | undefined): Promise<void> {
  return whenSettled(promise);
}

/** A value that may be missing: failing to get it (a file gone, a daemon away) reads as its absence, which the caller handles. */
export function orUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
  return promise.catch(() => undefined);
}
