/** Things that change with time alone: the silent-task heuristic and the "seen 2m ago" texts. */
import { Disposable, toDisposable } from '../common/lifecycle.js';

export class PeriodicRefresh extends Disposable {
  constructor(intervalMs: number, run: () => void) {
    super();
    const timer = setInterval(run, intervalMs);
    timer.unref?.();
    this.register(toDisposable(() => clearInterval(timer)));
  }
}
