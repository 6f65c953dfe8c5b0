/**
 * Runs stuck detection (`Tracker.sweep`) four times a second, and at start too, so that time the daemon spent down
 * counts. Only the daemon that leads the store runs it: a shared store gets one sweeper.
 */
import type { Logger } from '../logger.js';
import type { Tracker } from './tracker.js';

export const SWEEP_INTERVAL_MS = 250;

export class Sweeper {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tracker: Tracker,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.runOnce();
    this.timer = setInterval(() => this.runOnce(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  private runOnce(): void {
    if (!this.tracker.store.isLeader()) return;
    try {
      this.tracker.sweep();
    } catch (error) {
      // A storage failure is reported by the store; the next pass tries again.
      this.log.warn(`stuck detection skipped a pass: ${(error as Error).message}`);
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
