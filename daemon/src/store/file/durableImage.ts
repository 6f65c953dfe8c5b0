/**
 * The registry as of the last durable seq, which the snapshot and backups are taken from, without a second copy of the
 * registry: the live view, except for the entries that commits not yet on disk changed, whose durable values are held
 * here until those commits are written. A million tasks then cost one map, not two, and a commit costs a small map's
 * updates rather than inserts into a second large one.
 */

interface Held<V> {
  /** The durable value (undefined: the entry did not exist on disk). */
  value: V | undefined;
  /** The newest pending commit that changed the entry: the view's value is the durable one once it is written. */
  until: number;
}

/** One map of the view (tasks, agents, idempotency records, inbox cursors) as of the last durable seq. */
export class DurableMap<V> {
  private readonly held = new Map<string, Held<V>>();

  /** `live` is read each time: a rebuild replaces the view's maps. */
  constructor(private readonly live: () => ReadonlyMap<string, V>) {}

  /** Called before commit number `commit` changes `key` in the view: keeps the durable value the first time. */
  hold(key: string, commit: number): void {
    const held = this.held.get(key);
    if (held) held.until = commit;
    else this.held.set(key, { value: this.live().get(key), until: commit });
  }

  /**
   * Commit number `commit` is durable, and `value` is what it left at `key`: that is the durable value now. Once the
   * newest pending commit is durable the view's own value is, and nothing needs holding.
   */
  release(key: string, commit: number, value: V | undefined): void {
    const held = this.held.get(key);
    if (!held) return;
    if (held.until <= commit) this.held.delete(key);
    else held.value = value;
  }

  /** Whether the view's value of `key` is the durable one (no pending commit changed it). */
  isDurable(key: string): boolean {
    return !this.held.has(key);
  }

  /** Forgets what is held for a key that left the view for good (compaction). */
  drop(key: string): void {
    this.held.delete(key);
  }

  clear(): void {
    this.held.clear();
  }

  /** The durable values, captured in one synchronous step: the view's order, then entries only the disk still has. */
  values(): V[] {
    const out: V[] = [];
    const live = this.live();
    for (const [key, value] of live) {
      const held = this.held.get(key);
      if (!held) out.push(value);
      else if (held.value !== undefined) out.push(held.value);
    }
    for (const [key, held] of this.held) if (held.value !== undefined && !live.has(key)) out.push(held.value);
    return out;
  }
}
