/**
 * Runs stuck detection (`Tracker.sweep`) four times a second, and at start too, so that time the daemon spent down
 * counts. Only the daemon that leads the store runs it: a shared store gets one sweeper.
 */
import type { Logger } from '../common/logger.js';
import type { ProcessWatch } from './liveness.js';
import type { Tracker } from './tracker.js';
import { describeError } from '../protocol/index.js';

export const SWEEP_INTERVAL_MS = 250;

/** Process liveness runs every other pass: a dead agent process is caught within about half a second. */
const PROCESS_CHECK_EVERY = 2;

export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private passes = 0;

  constructor(
    private readonly tracker: Tracker,
    private readonly log: Logger,
    private readonly processes?: ProcessWatch,
  ) {}

  start(): void {
    const processes = this.processes;
    if (processes) {
      this.unsubscribe = this.tracker.store.onDurable((events) => {
        const reported = new Set<string>();
        for (const event of events) if (event.agentId !== undefined && event.type.startsWith('agent.')) reported.add(event.agentId);
        if (reported.size > 0) processes.vouch(this.tracker.state, reported);
      });
    }
    this.runOnce();
    this.timer = setInterval(() => this.runOnce(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  private runOnce(): void {
    try {
      if (this.processes && this.passes++ % PROCESS_CHECK_EVERY === 0) this.tracker.checkProcesses(this.processes);
      if (!this.tracker.store.isLeader()) return;
      this.tracker.sweep(this.processes);
    } catch (error) {
      // A storage failure is reported by the store; the next pass tries again.
      this.log.warn(`stuck detection skipped a pass: ${describeError(error)}`);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }
}
