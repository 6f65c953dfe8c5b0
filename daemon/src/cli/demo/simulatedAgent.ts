/**
 * One simulated agent of the demo: picks the next task of the demo's own that it can do, claims it, works through its steps reporting progress and
 * logs while its lease is heartbeated, and ends it. The silent one stops every call part-way through its first task.
 * It never asks the daemon for "any next task": on a real home that would claim (and complete) the user's own work.
 */
import { TaskHandle, TrackerApiError, type TrackerClient } from '../../client/index.js';
import type { Task } from '../../protocol/index.js';
import type { DemoAgentSpec, DemoTaskSpec } from './scenario.js';
import { bestEffort } from '../../protocol/index.js';

export interface SimulationTiming {
  stepMs: number;
  leaseMs: number;
}

export interface DemoBoard {
  /** The spec behind a task id the demo created. */
  spec(taskId: string): DemoTaskSpec | undefined;
  /** Whether the demo created this task (only those are worked on). */
  owns(taskId: string): boolean;
  /** True the first time it is asked for a flaky task: that attempt fails. */
  shouldFail(taskId: string): boolean;
  onError(agentId: string, error: unknown): void;
}

export class SimulatedAgent {
  private silent = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private current: TaskHandle | undefined;

  constructor(
    private readonly client: TrackerClient,
    readonly spec: DemoAgentSpec,
    private readonly board: DemoBoard,
    private readonly timing: SimulationTiming,
    private readonly stop: AbortSignal,
  ) {}

  /** Works until `stop` aborts (or, for the silent agent, until it falls silent). */
  async run(): Promise<void> {
    await this.client.heartbeatAgent(this.spec.id, {
      name: this.spec.name,
      capabilities: this.spec.capabilities,
      meta: { pid: process.pid, workspace: 'agent-tracker demo' },
    });
    // The agent's own liveness, separate from any task's lease: idle agents stay online too.
    this.heartbeatTimer = setInterval(() => {
      this.client.heartbeatAgent(this.spec.id).catch((error: unknown) => this.board.onError(this.spec.id, error));
    }, Math.max(250, Math.floor(this.timing.leaseMs / 3)));
    try {
      while (!this.stop.aborted && !this.silent) {
        const handle = await this.claimOwn();
        if (!handle) {
          await pause(this.timing.stepMs / 2, this.stop);
          continue;
        }
        this.current = handle;
        try {
          await this.work(handle);
        } catch (error) {
          if (!(error instanceof TrackerApiError && error.code === 'not_lease_holder')) this.board.onError(this.spec.id, error);
        } finally {
          if (!this.silent) handle.stop();
          this.current = undefined;
        }
      }
    } finally {
      clearInterval(this.heartbeatTimer);
    }
  }

  /**
   * Claims the most urgent pending task of the demo's own that this agent can do (its type among the agent's
   * capabilities); another agent may claim it first, then the next is tried.
   */
  private async claimOwn(): Promise<TaskHandle | null> {
    const pending = await this.client.listAllTasks({ state: ['pending'], tag: 'demo' });
    const mine = pending
      .filter((t: Task) => this.board.owns(t.id) && !t.blocked && (!t.type || this.spec.capabilities.includes(t.type)))
      .sort((a, b) => b.priority - a.priority || a.createdAt.localeCompare(b.createdAt));
    for (const task of mine) {
      try {
        const claimed = await this.client.claim(task.id, { agentId: this.spec.id, leaseMs: this.timing.leaseMs });
        // A claim leaves the task assigned; its holder starts it under the same lease.
        const started = await this.client.transition(claimed.task.id, { to: 'active', agentId: this.spec.id });
        return TaskHandle.begin(this.client, started, { agentId: this.spec.id, leaseMs: this.timing.leaseMs, leaseToken: claimed.leaseToken });
      } catch (error) {
        if (!(error instanceof TrackerApiError) || error.status !== 409) throw error;
      }
    }
    return null;
  }

  /** Called when the demo ends: a task still in hand is cancelled rather than left to go stuck. */
  async release(): Promise<void> {
    const handle = this.current;
    if (!handle || handle.finished || this.silent) return;
    await bestEffort(handle.cancel('demo stopped'));
  }

  private async work(handle: TaskHandle): Promise<void> {
    const task = this.board.spec(handle.id);
    const steps = task?.steps ?? ['work'];
    const failing = this.board.shouldFail(handle.id);
    for (const [i, step] of steps.entries()) {
      if (this.stop.aborted || handle.signal.aborted) return;
      await handle.progress(Math.round((i / steps.length) * 100), step, { itemsProcessed: i });
      await handle.log(`${step}…`);
      await pause(jitter(this.timing.stepMs), this.stop);
      if (this.stop.aborted || handle.signal.aborted) return;
      if (this.spec.goesSilent && i === 1) return this.fallSilent(handle);
      if (failing && i === 1) return this.failAndRetry(handle);
    }
    if (this.stop.aborted || handle.signal.aborted) return;
    await handle.done({ steps: steps.length, summary: `${task?.title ?? handle.id}: all steps complete` });
  }

  /** Simulates a crashed or hung agent: nothing more is sent, neither task heartbeats nor agent heartbeats. */
  private fallSilent(handle: TaskHandle): void {
    this.silent = true;
    handle.stop();
    clearInterval(this.heartbeatTimer);
  }

  private async failAndRetry(handle: TaskHandle): Promise<void> {
    await handle.log('3 of 42 tests failed: timeout connecting to the staging database', 'error');
    await handle.fail('3 of 42 integration tests failed (timeout connecting to the staging database)', {
      details: { failed: 3, total: 42 },
    });
    await pause(this.timing.stepMs, this.stop);
    // Flaky, not broken: back into the queue for another attempt (attempts counts the starts).
    await this.client.transition(handle.id, { to: 'pending', reason: 'retrying: the failure looked flaky', agentId: this.spec.id });
  }
}

function jitter(ms: number): number {
  return Math.round(ms * (0.7 + Math.random() * 0.6));
}

/** Waits `ms`, or less if `signal` aborts first; never rejects. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
