/**
 * Hooks waiting for approvals to be settled. Nothing polls: each waiter is woken by the store's feed of durable events
 * when its approval's decision (or expiry) is committed, from this daemon or, on a shared store, any other.
 */
import { approvalIdOf, type Approval } from '../protocol/index.js';
import { StoreConflictError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { requireApproval } from './approvals.js';
import type { Tracker } from './tracker.js';

type Waiter = (approval: Approval) => void;

export class ApprovalWaits {
  private readonly waiters = new Map<string, Set<Waiter>>();

  constructor(private readonly store: Store) {
    store.onDurable((events) => {
      for (const event of events) {
        if (event.type !== 'approval.decided' && event.type !== 'approval.expired') continue;
        const id = approvalIdOf(event);
        const approval = id === undefined ? undefined : this.store.state.approvals.get(id);
        if (!id || !approval) continue;
        for (const wake of this.waiters.get(id) ?? []) wake(approval);
      }
    });
  }

  /** How many hooks wait on this daemon (metrics, tests). */
  get waiting(): number {
    let count = 0;
    for (const set of this.waiters.values()) count += set.size;
    return count;
  }

  /**
   * Resolves with the approval once its decision or expiry is durable; with undefined after `timeoutMs`, or as soon as
   * `signal` aborts (the hook's request went away).
   */
  async settled(id: string, timeoutMs: number, signal?: AbortSignal): Promise<Approval | undefined> {
    const now = this.store.state.approvals.get(id);
    if (now && now.state !== 'pending') {
      // Settled in the view already; answered once it is durable too.
      await this.store.flush();
      return this.store.state.approvals.get(id);
    }
    if (signal?.aborted) return undefined;
    return new Promise((resolve) => {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      const done = (approval: Approval | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        set.delete(waiter);
        if (set.size === 0 && this.waiters.get(id) === set) this.waiters.delete(id);
        resolve(approval);
      };
      const waiter: Waiter = (approval) => done(approval);
      const onAbort = () => done(undefined);
      const timer = setTimeout(() => done(undefined), Math.max(0, timeoutMs));
      set.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Expiry is retried this many times when a shared store refuses it (another daemon wrote first). */
const EXPIRY_ATTEMPTS = 4;

/**
 * What a waiting hook answers: the approval once decided; when no decision comes within `timeoutMs` (or the hook goes
 * away first, `signal`), the approval is expired and returned as such, unless a decision won the race to the store.
 */
export async function awaitDecision(tracker: Tracker, id: string, timeoutMs: number, signal?: AbortSignal): Promise<Approval> {
  const settled = await tracker.approvalWaits.settled(id, timeoutMs, signal);
  if (settled) return settled;
  for (let attempt = 1; ; attempt++) {
    try {
      const expired = tracker.expireApproval(id, { actor: 'daemon' });
      await expired.durable;
      return requireApproval(tracker.state, id);
    } catch (error) {
      if (!(error instanceof StoreConflictError) || attempt >= EXPIRY_ATTEMPTS) throw error;
      await tracker.store.settle();
    }
  }
}
