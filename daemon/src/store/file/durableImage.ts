/**
 * The registry as of the last durable seq, which the snapshot and backups are taken from, without a second copy of the
 * registry: the live view, except for the entries that commits not yet on disk changed, whose durable values are held
 * here until those commits are written. A million tasks then cost one map, not two, and a commit costs a small map's
 * updates rather than inserts into a second large one.
 */

/** Entries checked between two turns of the event loop while captured values are resolved. */
const RESOLVE_SLICE = 20_000;

interface Held<V> {
  /** The durable value (undefined: the entry did not exist on disk). */
  value: V | undefined;
  /** The newest pending commit that changed the entry: the view's value is the durable one once it is written. */
  until: number;
}

/** One map of the view (tasks, agents, idempotency records, inbox cursors) as of the last durable seq. */
export class DurableMap<V> {
  private readonly held = new Map<string, Held<V>>();

  /** `live` is read each time: a rebuild replaces the view's maps. `keyOf` gives a value's key. */
  constructor(
    private readonly live: () => ReadonlyMap<string, V>,
    private readonly keyOf: (value: V) => string,
  ) {}

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

  /**
   * The durable values as of now, in two steps: `capture` copies the view's values in one synchronous step (by the
   * engine's own fast path) with the few values pending commits replaced; `resolve` later puts those in place, a slice
   * at a time. Visiting a large registry entry by entry in one step would hold the event loop for tens of milliseconds.
   */
  capture(): CapturedValues<V> {
    const live = this.live();
    const values = [...live.values()];
    const replaced = new Map<string, V | undefined>();
    const gone: V[] = [];
    for (const [key, held] of this.held) {
      if (live.has(key)) replaced.set(key, held.value);
      else if (held.value !== undefined) gone.push(held.value);
    }
    return { values, replaced, gone };
  }

  async resolve({ values, replaced, gone }: CapturedValues<V>): Promise<V[]> {
    if (replaced.size === 0) return gone.length === 0 ? values : values.concat(gone);
    let kept = 0;
    for (let i = 0; i < values.length; i++) {
      if (i > 0 && i % RESOLVE_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      const value = values[i] as V;
      const key = this.keyOf(value);
      const durable = replaced.has(key) ? replaced.get(key) : value;
      if (durable !== undefined) values[kept++] = durable;
    }
    values.length = kept;
    return values.concat(gone);
  }
}

/**
 * What `capture` took: the view's values, the durable values of the entries pending commits changed, and the entries
 * only the disk still has.
 */
export interface CapturedValues<V> {
  values: V[];
  replaced: ReadonlyMap<string, V | undefined>;
  gone: readonly V[];
}
