/**
 * A store that keeps everything in memory and nothing on disk: `createApp` and the engine run on it in tests and in
 * embedders that need no persistence. A commit is durable at the next microtask, in commit order.
 */
import type { TrackerEvent } from '../../protocol/index.js';
import { systemClock, type Clock } from '../../common/clock.js';
import type { CommitUnit } from '../commitUnit.js';
import { StoreUnavailableError } from '../errors.js';
import { LocalStore } from '../localStore.js';
import { TrackerState } from '../state.js';
import { withinBytes, type CompactionPlan, type CompactionResult, type StoreHealth, type StoredEvent } from '../store.js';
import { MemoryHistory } from './memoryHistory.js';

export class MemoryStore extends LocalStore {
  readonly kind = 'memory';
  private durable = 0;
  private last: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly history = new MemoryHistory();

  constructor(clock: Clock = systemClock) {
    super(new TrackerState(), clock);
  }

  get durableSeq(): number {
    return this.durable;
  }

  protected checkWritable(): void {
    if (this.closed) throw new StoreUnavailableError('the store is closed; nothing was recorded');
  }

  protected persist({ events }: CommitUnit): Promise<void> {
    const lastSeq = this.state.seq;
    for (const event of events) this.history.add(event);
    this.last = Promise.resolve().then(() => {
      this.durable = Math.max(this.durable, lastSeq);
      this.publish(events);
    });
    return this.last;
  }

  readFeed(after: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): Promise<StoredEvent[]> {
    const events = this.history.after(after, limit, this.durable).map((event) => ({ seq: event.seq, json: JSON.stringify(event) }));
    return Promise.resolve(withinBytes(events, maxBytes, (event) => event.json.length));
  }

  readTaskEvents(taskId: string, after = 0, limit = Number.POSITIVE_INFINITY): Promise<TrackerEvent[] | undefined> {
    const events = this.history.task(taskId);
    if (!events) return Promise.resolve(undefined);
    return Promise.resolve(events.filter((event) => event.seq > after).slice(0, limit));
  }

  compact(plan: CompactionPlan): Promise<CompactionResult> {
    this.forget(plan.removed);
    this.history.prune(plan.removed, (taskId) => this.state.tasks.has(taskId));
    return Promise.resolve({ bytesBefore: 0, bytesAfter: 0 });
  }

  health(): Promise<StoreHealth> {
    return Promise.resolve(this.closed ? { kind: this.kind, ok: false, message: 'closed' } : { kind: this.kind, ok: true });
  }

  flush(): Promise<void> {
    return this.last;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.last;
  }
}
