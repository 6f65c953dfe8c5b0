/**
 * Which events one request committed, so that its response can name the seq of its last event
 * (`X-Agent-Tracker-Seq`): a client that reads through another daemon then asks for a view that holds it. Stores note
 * every commit here; the HTTP layer opens a scope around each request's handler.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TrackerEvent } from '../protocol/index.js';

export class WriteScope {
  private readonly lastEvents: TrackerEvent[] = [];

  note(events: readonly TrackerEvent[]): void {
    const last = events.at(-1);
    if (last) this.lastEvents.push(last);
  }

  /**
   * The highest seq among the events committed in this scope, read when asked: a store that numbers events at commit
   * time (PostgreSQL) fills it in later, and a refused attempt's events keep seq 0.
   */
  lastSeq(): number | undefined {
    let seq = 0;
    for (const event of this.lastEvents) seq = Math.max(seq, event.seq);
    return seq > 0 ? seq : undefined;
  }
}

const scopes = new AsyncLocalStorage<WriteScope>();

export function runInWriteScope<T>(scope: WriteScope, run: () => T): T {
  return scopes.run(scope, run);
}

/** Called by stores on every commit; outside a request's scope (inbox, sweeper) it does nothing. */
export function noteCommitted(events: readonly TrackerEvent[]): void {
  if (events.length > 0) scopes.getStore()?.note(events);
}
