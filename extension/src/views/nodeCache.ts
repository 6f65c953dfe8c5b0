/**
 * Tree nodes by key. A node keeps its identity while VS Code holds it, so a refresh can name exactly the rows that
 * changed; `clear` after a full redraw, when VS Code asks for every child again.
 */
export class NodeCache<K, N> {
  private nodes = new Map<K, N>();

  constructor(private readonly create: (key: K) => N) {}

  get(key: K): N {
    let node = this.nodes.get(key);
    if (!node) this.nodes.set(key, (node = this.create(key)));
    return node;
  }

  /** The nodes already handed out for these keys: the others VS Code has never shown, so there is nothing to redraw. */
  shown(keys: Iterable<K>): N[] {
    const out: N[] = [];
    for (const key of keys) {
      const node = this.nodes.get(key);
      if (node) out.push(node);
    }
    return out;
  }

  all(): N[] {
    return [...this.nodes.values()];
  }

  clear(): void {
    this.nodes = new Map();
  }
}
