/**
 * A task being worked on: keeps its lease (or, without one, its agent) alive while the work runs, reports progress and
 * logs, and ends it. When the daemon says stop (a cancel or an operator reset), `signal` aborts so the work can end.
 */
import type { Command, Task } from '../protocol/index.js';
import { TrackerApiError } from './errors.js';
import type { TrackerClient } from './trackerClient.js';

export interface TaskHandleOptions {
  agentId: string;
  /** From a claim; heartbeats renew it. Without one the handle keeps the agent itself alive. */
  leaseToken?: string;
  leaseMs?: number;
  /** Heartbeat period; by default a third of the lease, at most 10 s. */
  heartbeatMs?: number;
  /** Called once when the daemon tells this holder to stop. */
  onLost?: (reason: string) => void;
  /** Called when a heartbeat fails for another reason (the daemon restarting, say); heartbeats go on. */
  onHeartbeatError?: (error: unknown) => void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ProgressCounts {
  itemsProcessed?: number;
  itemsFailed?: number;
}

const STILL_RUNNING: readonly Task['state'][] = ['assigned', 'active', 'paused', 'review', 'approved'];
const MAX_HEARTBEAT_MS = 10_000;
const MIN_HEARTBEAT_MS = 200;

export class TaskHandle {
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private beating = false;
  private ended = false;
  private latest: Task;

  private constructor(
    private readonly client: TrackerClient,
    task: Task,
    private readonly options: TaskHandleOptions,
  ) {
    this.latest = task;
  }

  static begin(client: TrackerClient, task: Task, options: TaskHandleOptions): TaskHandle {
    const handle = new TaskHandle(client, task, options);
    handle.schedule();
    return handle;
  }

  get id(): string {
    return this.latest.id;
  }

  /** The task as last returned by the daemon. */
  get task(): Task {
    return this.latest;
  }

  get agentId(): string {
    return this.options.agentId;
  }

  /** Aborts when the daemon says this holder must stop. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get finished(): boolean {
    return this.ended;
  }

  async progress(progress: number | undefined, step?: string, counts: ProgressCounts = {}): Promise<void> {
    await this.command({ op: 'progress', taskId: this.id, agentId: this.agentId, progress, step, ...counts });
  }

  async log(message: string, level: LogLevel = 'info'): Promise<void> {
    await this.command({ op: 'log', taskId: this.id, agentId: this.agentId, message, level });
  }

  async checkpoint(data: Record<string, unknown>): Promise<void> {
    await this.command({ op: 'checkpoint', taskId: this.id, agentId: this.agentId, data });
  }

  /** Starts a claimed (`assigned`) task: `active`, under the same lease. */
  async start(): Promise<Task> {
    if (this.latest.state !== 'assigned') return this.latest;
    this.latest = await this.client.transition(this.id, { to: 'active', agentId: this.agentId });
    return this.latest;
  }

  async done(result?: Record<string, unknown>): Promise<Task> {
    return this.finish({ to: 'done', result });
  }

  async fail(message: string, options: { details?: unknown; result?: Record<string, unknown> } = {}): Promise<Task> {
    const error = options.details === undefined ? { message } : { message, details: options.details };
    return this.finish({ to: 'failed', error, result: options.result });
  }

  async cancel(reason: string, result?: Record<string, unknown>): Promise<Task> {
    return this.finish({ to: 'cancelled', reason, result });
  }

  /** Stops heartbeating without ending the task (the process is going away, or the work was taken from us). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One heartbeat now; normally the timer does this. */
  async heartbeat(): Promise<void> {
    const { agentId, leaseToken, leaseMs } = this.options;
    if (leaseToken) {
      const beat = await this.client.heartbeatTask(this.id, { agentId, leaseToken, leaseMs });
      if (!STILL_RUNNING.includes(beat.state)) this.lose(`the task is now ${beat.state}`);
      return;
    }
    await this.client.heartbeatAgent(agentId);
    // Without a lease nothing refuses us, so notice a cancel or reset by reading the task back.
    const task = await this.client.getTask(this.id);
    this.latest = task;
    if (!STILL_RUNNING.includes(task.state)) this.lose(`the task is now ${task.state}`);
  }

  private async finish(body: Parameters<TrackerClient['transition']>[1]): Promise<Task> {
    this.stop();
    this.ended = true;
    const task = await this.client.transition(this.id, { ...body, agentId: this.agentId });
    this.latest = task;
    return task;
  }

  private async command(command: Command): Promise<void> {
    await this.client.apply(command);
  }

  private schedule(): void {
    if (this.ended || this.abort.signal.aborted) return;
    this.timer = setTimeout(() => void this.tick(), this.period());
    // A handle must never keep a process alive on its own: the work it tracks does that.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.beating || this.ended) return;
    this.beating = true;
    try {
      await this.heartbeat();
    } catch (error) {
      if (error instanceof TrackerApiError && (error.code === 'not_lease_holder' || error.code === 'not_found')) {
        this.lose(error.message);
      } else {
        this.options.onHeartbeatError?.(error);
      }
    } finally {
      this.beating = false;
      this.schedule();
    }
  }

  private period(): number {
    if (this.options.heartbeatMs) return this.options.heartbeatMs;
    const leaseLeft = this.latest.lease ? Date.parse(this.latest.lease.expiresAt) - Date.now() : Number.NaN;
    const lease = this.options.leaseMs ?? (Number.isFinite(leaseLeft) ? leaseLeft : MAX_HEARTBEAT_MS * 3);
    return Math.max(MIN_HEARTBEAT_MS, Math.min(MAX_HEARTBEAT_MS, Math.floor(lease / 3)));
  }

  private lose(reason: string): void {
    if (this.ended || this.abort.signal.aborted) return;
    this.stop();
    this.abort.abort(new Error(reason));
    this.options.onLost?.(reason);
  }
}
