/**
 * One unit of commits (see Store.joinCommits): what the commits made inside it folded into the view, gathered so that
 * the store makes it durable in one write. A plain commit is a unit of one.
 */
import { handledElsewhere, type TrackerEvent } from '../protocol/index.js';
import type { CommitExtras, IdempotencyRecord, InboxCursor } from './records.js';

export class CommitUnit {
  readonly events: TrackerEvent[] = [];
  /** The events encoded as JSON, one per event, in the same order. */
  readonly lines: string[] = [];
  readonly idempotency: IdempotencyRecord[] = [];
  readonly inbox: InboxCursor[] = [];
  private settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private promise: Promise<void> | undefined;

  /** Whether there is nothing to make durable. */
  get empty(): boolean {
    return this.events.length === 0 && this.idempotency.length === 0 && this.inbox.length === 0;
  }

  /**
   * Settles with the unit's write: every commit of the unit returns it. Made on first use, so that a unit that nobody
   * asks (an empty one) makes no promise.
   */
  get durable(): Promise<void> {
    if (!this.promise) {
      this.promise = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
      // A commit nobody awaits (fire-and-forget bookkeeping) must not crash the process when its unit fails.
      handledElsewhere(this.promise);
    }
    return this.promise;
  }

  add(events: readonly TrackerEvent[], lines: readonly string[], extras: CommitExtras): void {
    for (let i = 0; i < events.length; i++) {
      this.events.push(events[i] as TrackerEvent);
      this.lines.push(lines[i] as string);
    }
    if (extras.idempotency) this.idempotency.push(extras.idempotency);
    if (extras.inbox) this.inbox.push(extras.inbox);
  }

  /** Settles `durable` as `write` does; returns the promise the unit's caller gets. */
  follow(write: Promise<void>): Promise<void> {
    if (!this.promise) return write;
    const { resolve, reject } = this.settle as NonNullable<typeof this.settle>;
    write.then(resolve, reject);
    return this.promise;
  }
}
