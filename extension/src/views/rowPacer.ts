/**
 * Redraws a row at most once every few seconds. A row whose progress moves every half second would otherwise be
 * redrawn as often, and each redraw closes its open tooltip (so hovering it showed nothing). A change that comes
 * sooner is drawn when the pause is over, with whatever is newest then.
 */
import type { IDisposable } from '../common/lifecycle.js';

export const ROW_PACE_MS = 2000;

export class RowPacer<N extends object> implements IDisposable {
  private drawnAt = new WeakMap<N, number>();
  private readonly deferred = new Set<N>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redraw: (nodes: N[]) => void,
    private readonly minMs = ROW_PACE_MS,
  ) {}

  /** The rows to redraw now; the others are redrawn (through `redraw`) once their pause is over. */
  pace(nodes: Iterable<N>): N[] {
    const now = Date.now();
    const out: N[] = [];
    for (const node of nodes) {
      const at = this.drawnAt.get(node);
      if (at === undefined || now - at >= this.minMs) {
        this.drawnAt.set(node, now);
        this.deferred.delete(node);
        out.push(node);
      } else {
        this.deferred.add(node);
      }
    }
    if (this.deferred.size && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        const due = [...this.deferred];
        this.deferred.clear();
        const now2 = this.pace(due);
        if (now2.length) this.redraw(now2);
      }, this.minMs);
    }
    return out;
  }

  clear(): void {
    this.drawnAt = new WeakMap();
    this.deferred.clear();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.deferred.clear();
  }
}
