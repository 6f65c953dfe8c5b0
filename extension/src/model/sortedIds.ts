/**
 * Task ids kept in display order (highest priority first, then oldest first) as tasks come and go, so a container of
 * tens of thousands of tasks never has to be sorted again to be read: an insert or a removal is a binary search and
 * one splice. No `vscode` here.
 */
export interface SortKey {
  readonly id: string;
  readonly priority: number;
  readonly createdAt: string;
}

/** Highest priority first, then oldest first, then by id: stable under progress events, so rows do not jump. */
export function compareKeys(a: SortKey, b: SortKey): number {
  // Code-unit order: ISO times and ids sort correctly by it, and localeCompare costs far more on large groups.
  return b.priority - a.priority || ordinal(a.createdAt, b.createdAt) || ordinal(a.id, b.id);
}

function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class SortedIds {
  private keys: SortKey[] = [];
  private readonly byId = new Map<string, SortKey>();
  private idsCache: string[] | undefined;

  get size(): number {
    return this.keys.length;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Replaces the whole content with one sort (a snapshot), cheaper than inserting one by one. */
  reset(keys: Iterable<SortKey>): void {
    this.byId.clear();
    for (const key of keys) this.byId.set(key.id, key);
    this.keys = [...this.byId.values()].sort(compareKeys);
    this.idsCache = undefined;
  }

  add(key: SortKey): void {
    if (this.byId.has(key.id)) this.delete(key.id);
    this.keys.splice(this.lowerBound(key), 0, key);
    this.byId.set(key.id, key);
    this.idsCache = undefined;
  }

  delete(id: string): void {
    const key = this.byId.get(id);
    if (!key) return;
    const at = this.lowerBound(key);
    if (this.keys[at]?.id === id) this.keys.splice(at, 1);
    this.byId.delete(id);
    this.idsCache = undefined;
  }

  /** The first `limit` ids in order (all by default); the same array until the content changes. */
  ids(limit = Number.POSITIVE_INFINITY): readonly string[] {
    if (this.idsCache && this.idsCache.length >= Math.min(limit, this.keys.length)) {
      return this.idsCache.length <= limit ? this.idsCache : this.idsCache.slice(0, limit);
    }
    this.idsCache = (limit < this.keys.length ? this.keys.slice(0, limit) : this.keys).map((k) => k.id);
    return this.idsCache;
  }

  private lowerBound(key: SortKey): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.keys[mid] as SortKey, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function sortKeyOf(task: SortKey): SortKey {
  return { id: task.id, priority: task.priority, createdAt: task.createdAt };
}
