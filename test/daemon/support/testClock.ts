/**
 * Time the test moves forward: leases, timeouts and durations without waiting for them. A frozen clock stands still
 * between `advance` calls, so durations derived from it (metrics, history order) are exact.
 */
import type { Clock } from '../../../daemon/src/common/clock.js';

export class TestClock implements Clock {
  private offsetMs = 0;
  private readonly frozenAt: number | undefined;

  constructor(options: { frozen?: boolean } = {}) {
    this.frozenAt = options.frozen ? Date.now() : undefined;
  }

  now(): number {
    return (this.frozenAt ?? Date.now()) + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
