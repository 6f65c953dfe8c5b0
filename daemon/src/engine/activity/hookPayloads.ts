/**
 * Hook payloads of real agents, from `POST /v1/hooks/:kind`, a batch or the inbox: picks the agent's adapter, gives
 * it the tracker's view of the session, and hands the activities it returns to the applier. A payload seen before (the
 * forwarder's retry, the inbox spool after an outage) is applied at most once; a payload no adapter can read is counted
 * and logged, never an error to the agent and never a crash.
 */
import { createHash } from 'node:crypto';
import { describeError, keepStrings, type Activity, type Approval, type HookAdapter, type HookCommandInput, type HookDelivery } from '../../protocol/index.js';
import type { Logger } from '../../common/logger.js';
import type { PromptRefusal } from '../budgets.js';
import type { Outcome, RequestContext } from '../context.js';
import type { Tracker } from '../tracker.js';
import type { ActivityApplier } from './applier.js';

export interface HookCounters {
  received: number;
  /** Payloads that changed something. */
  applied: number;
  /** Payloads seen before (same source, observation time and content). */
  duplicate: number;
  /** Payloads of an agent kind no adapter knows. */
  unknownSource: number;
  /** Payloads their adapter could not read. */
  invalid: number;
  /** Payloads their forwarder had to cut to fit (over 1 MiB, or not finished by its deadline): `truncated: true`. */
  truncated: number;
  lastProblem: { source: string; message: string; at: string } | null;
}

export interface HookOutcome {
  /** Tracker changes the payload gave (0: a repeat, or nothing to change). */
  applied: number;
  /**
   * What the agent's hook prints as its answer, in the agent's own format (a refused prompt); only when the caller
   * replies to the agent (`RequestContext.replyToAgent`).
   */
  output?: Record<string, unknown>;
}

/** How a payload is delivered: `approvalWaitMs` when its hook waits for the user's decision (X-Agent-Tracker-Wait). */
export interface HookOptions {
  approvalWaitMs?: number;
}

/** An approval the payload recorded, which its hook waits on; `answer` is the decision in the agent's own format. */
export interface PendingApproval {
  id: string;
  answer(approval: Approval): Record<string, unknown> | undefined;
}

export type HookResult = Outcome<HookOutcome> & { approval?: PendingApproval };

/** Problems logged one by one per minute; the rest are counted (a misconfigured agent can fire hooks in a loop). */
const LOG_LIMIT_PER_MINUTE = 20;

export class HookPayloads {
  private readonly adapters: Map<string, HookAdapter>;
  private readonly counts: HookCounters = { received: 0, applied: 0, duplicate: 0, unknownSource: 0, invalid: 0, truncated: 0, lastProblem: null };
  private logWindow = { start: 0, logged: 0, suppressed: 0 };

  constructor(
    readonly tracker: Tracker,
    private readonly applier: ActivityApplier,
    adapters: readonly HookAdapter[],
    private readonly log: Logger,
    /** This machine's host name (agents report it as `meta.host`). */
    private readonly host: string,
  ) {
    this.adapters = new Map(adapters.map((adapter) => [adapter.kind, adapter]));
  }

  counters(): HookCounters {
    return { ...this.counts };
  }

  /** Resolves once every transcript read and session end started so far is applied. */
  idle(): Promise<void> {
    return this.applier.idle();
  }

  /** A delivery refused before it reached an adapter (a body that is not a JSON object): counted and logged. */
  reject(source: string, message: string): void {
    this.counts.received++;
    this.counts.invalid++;
    this.problem(source, message);
  }

  /** One payload, applied with its at-most-once record as one commit. */
  ingest(hook: HookCommandInput, ctx: RequestContext, options: HookOptions = {}): HookResult {
    const { value, durable } = this.tracker.store.joinCommits(() => this.ingestOne(hook, ctx, options));
    return { ...value, durable: Promise.all([durable, value.durable]).then(() => {}) };
  }

  private ingestOne(hook: HookCommandInput, ctx: RequestContext, options: HookOptions): HookResult {
    this.counts.received++;
    if (hook.payload['truncated'] === true) this.counts.truncated++;
    const adapter = this.adapters.get(hook.source);
    if (!adapter) {
      this.counts.unknownSource++;
      this.problem(hook.source, `no adapter for hooks of "${hook.source}"`);
      return nothing();
    }
    // One spelling of the time, whichever way the payload came (HTTP header or inbox line).
    const observedAt = hook.at === undefined ? undefined : new Date(hook.at).toISOString();
    // Agents print NULs and split surrogate pairs in tool output: their text is kept with U+FFFD in place of what no
    // store keeps, rather than the payload refused (an id made of such text is refused by its own schema later).
    const payload = keepStrings(hook.payload);
    const delivery: HookDelivery = { source: hook.source, payload, at: observedAt ?? this.tracker.now() };
    if (hook.pid !== undefined) delivery.pid = hook.pid;
    if (hook.tmuxPane !== undefined) delivery.tmux = { tmuxPane: hook.tmuxPane, ...(hook.tmuxSocket === undefined ? {} : { tmuxSocket: hook.tmuxSocket }) };
    if (options.approvalWaitMs !== undefined) delivery.waitsForDecision = true;
    // Without the forwarder's observation time two identical payloads may be two real events: only timed ones repeat.
    const key = observedAt === undefined ? undefined : `hook:${payloadHash(hook.source, observedAt, hook.pid, payload)}`;
    const seen = key ? this.tracker.idempotencyRecord(key) : undefined;
    if (seen) {
      this.counts.duplicate++;
      // The same delivery again (the forwarder retried): the agent gets the same answer, nothing is applied twice.
      const { output } = seen.body as HookOutcome;
      return output ? { status: 202, body: { applied: 0, output }, durable: Promise.resolve() } : nothing();
    }
    let activities: Activity[];
    try {
      activities = adapter.map({ delivery, host: this.host, session: (agentId) => this.applier.sessionView(agentId) });
    } catch (error) {
      this.counts.invalid++;
      this.problem(hook.source, `unreadable ${hook.source} payload: ${describeError(error)}`);
      return nothing();
    }
    const refused = ctx.replyToAgent ? this.refusedPrompt(adapter, payload, activities) : undefined;
    if (refused) activities = activities.filter((activity) => !('taskId' in activity) || activity.taskId !== refused.taskId);
    const applied = this.applier.apply(activities, { at: Date.parse(delivery.at), ...options });
    const durables = [applied.durable];
    const body: HookOutcome = { applied: applied.applied };
    if (refused) {
      body.output = refused.output;
      durables.push(this.tracker.budgets.recordRefusal(refused.agentId, refused.refusal, refused.prompt));
      this.log.info(`hooks: a new prompt of ${refused.agentId} refused: ${refused.refusal.reason}`);
    }
    if (key) durables.push(this.tracker.record({ idempotency: { key, hash: '', status: 202, body, at: this.tracker.now() } }));
    if (applied.applied > 0) this.counts.applied++;
    const result: HookResult = { status: 202, body, durable: Promise.all(durables).then(() => {}) };
    if (applied.approvalId && adapter.answer) result.approval = { id: applied.approvalId, answer: (decided) => adapter.answer?.(decided, hook.payload) };
    return result;
  }

  /**
   * A new prompt that an enforced, exceeded budget refuses: the agent is answered with its gate's refusal and no task
   * starts for it. Only for a payload whose agent waits for the answer (the hook route); one from the inbox or a batch
   * was never refused, so its turn is recorded as it ran.
   */
  private refusedPrompt(adapter: HookAdapter, payload: Record<string, unknown>, activities: readonly Activity[]): RefusedPrompt | undefined {
    const gate = adapter.promptGate?.(payload);
    const start = activities.find((activity): activity is TurnStarted => activity.type === 'turn.started' && activity.parentId === undefined);
    if (!gate || !start || this.tracker.state.tasks.has(start.taskId)) return undefined;
    const session = activities.find((activity) => activity.type === 'session.seen' && activity.agentId === start.agentId);
    const meta = { ...this.tracker.state.agents.get(start.agentId)?.meta, ...(session?.type === 'session.seen' ? session.meta : {}) };
    const refusal = this.tracker.budgets.refusal({ meta: { kind: adapter.kind, ...meta } });
    if (!refusal) return undefined;
    return { taskId: start.taskId, agentId: start.agentId, prompt: start.title, refusal, output: gate.refuse(refusal.reason) };
  }

  private problem(source: string, message: string): void {
    const now = Date.now();
    this.counts.lastProblem = { source, message, at: new Date(now).toISOString() };
    const window = this.logWindow;
    if (now - window.start >= 60_000) {
      if (window.suppressed > 0) this.log.warn(`hooks: ${window.suppressed} more problems not shown`);
      this.logWindow = { start: now, logged: 0, suppressed: 0 };
    }
    if (this.logWindow.logged < LOG_LIMIT_PER_MINUTE) {
      this.logWindow.logged++;
      this.log.warn(`hooks: ${message}`);
    } else this.logWindow.suppressed++;
  }
}

type TurnStarted = Extract<Activity, { type: 'turn.started' }>;

interface RefusedPrompt {
  taskId: string;
  agentId: string;
  prompt: string;
  refusal: PromptRefusal;
  output: Record<string, unknown>;
}

function nothing(): HookResult {
  return { status: 202, body: { applied: 0 }, durable: Promise.resolve() };
}

/** Identity of a delivery: its source, observation time, process and content (key order as sent). */
function payloadHash(source: string, at: string, pid: number | undefined, payload: unknown): string {
  return createHash('sha256').update(`${source}\n${at}\n${pid ?? ''}\n${JSON.stringify(payload)}`).digest('base64url');
}
