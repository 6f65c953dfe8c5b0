/**
 * Hook payloads of real agents, applied: picks the agent's adapter, gives it the tracker's view of the session, and
 * applies the steps it returns through the tracker's named methods. A payload seen before (the forwarder's retry, the
 * inbox spool after an outage) is applied at most once; a payload no adapter can read is counted and logged, never an
 * error to the agent and never a crash.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import {
  ACTIVE_STATES,
  TrackerError,
  isFinished,
  keepStrings,
  type HookCommandInput,
  type Task,
} from '../protocol/index.js';
import { agentActor, type Outcome, type RequestContext } from '../engine/context.js';
import type { HookOptions, HookOutcome, HookResult, PendingApproval, Tracker } from '../engine/tracker.js';
import type { Logger } from '../common/logger.js';
import type { HookAdapter, HookContext, HookDelivery, HookStep, SessionView } from '../integrations/hooks/adapter.js';
import { TranscriptReader, type TranscriptStats } from '../integrations/usage/transcriptReader.js';
import type { RequestMatcher } from '../integrations/usage/requestMatcher.js';
import { BUILT_IN_PRICES, type PriceTable } from '../integrations/usage/prices.js';
import { recordRequestUsage } from './requestUsage.js';
import { promptGateOf } from '../integrations/hooks/promptGates.js';
import type { PromptRefusal } from '../engine/budgets.js';
import { BoundedMap } from '../common/boundedMap.js';

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
  /** The transcripts payloads named: files followed, bytes their reads hold (the bound), paths refused. */
  transcripts: TranscriptStats;
}

/** Problems logged one by one per minute; the rest are counted (a misconfigured agent can fire hooks in a loop). */
const LOG_LIMIT_PER_MINUTE = 20;
/** Tool starts and turn starts remembered (for durations and for which transcript requests belong to a turn). */
const MEMORY_ENTRIES = 10_000;
/** A transcript request recorded this long before its turn's first payload belongs to an earlier turn. */
const TURN_START_SLACK_MS = 2000;
/**
 * A session's end is applied this long after it arrives: asynchronous hooks (and a spool written by several of them)
 * may deliver the turn's own end after the session's, and a turn that ended done must not be cancelled for it.
 */
export const SESSION_END_GRACE_MS = 1000;

export class HookIngest {
  private readonly adapters: Map<string, HookAdapter>;
  private readonly counts: Omit<HookCounters, 'transcripts'> = { received: 0, applied: 0, duplicate: 0, unknownSource: 0, invalid: 0, truncated: 0, lastProblem: null };
  private logWindow = { start: 0, logged: 0, suppressed: 0 };
  private readonly toolStarts = new BoundedMap<string, number>(MEMORY_ENTRIES);
  private readonly turnStarts = new BoundedMap<string, number>(MEMORY_ENTRIES);
  private readonly transcripts: TranscriptReader;
  /** Transcript reads in flight (tests and shutdown wait on them). */
  private readonly pendingReads = new Set<Promise<void>>();
  /**
   * A turn's end (and its transcript read) delivered before the prompt that starts it: asynchronous hooks may arrive
   * in any order. Kept by task id and applied right after that task starts, so the turn does not stay active forever.
   */
  private readonly earlyEnds = new BoundedMap<string, HookStep[]>(MEMORY_ENTRIES);
  /** Session ends waiting out their grace, by agent: when the end was observed, and its timer. */
  private readonly pendingEnds = new Map<string, PendingEnd>();

  constructor(
    private readonly tracker: Tracker,
    adapters: readonly HookAdapter[],
    /** Shared with the OTLP ingest: a request both report is counted under one key. */
    private readonly requests: RequestMatcher,
    private readonly log: Logger,
    private readonly host = hostname(),
    /** Costs the transcripts' requests (the built-in prices and the user's price file). */
    prices: PriceTable = BUILT_IN_PRICES,
  ) {
    this.adapters = new Map(adapters.map((adapter) => [adapter.kind, adapter]));
    this.transcripts = new TranscriptReader(prices, (message) => this.log.warn(`hooks: ${message}`));
  }

  /** The tracker's hook handler: plug it in with `tracker.handleHooksWith(ingest.handler)`. */
  readonly handler = (hook: HookCommandInput, ctx: RequestContext, options?: HookOptions): HookResult => this.ingest(hook, ctx, options);

  counters(): HookCounters {
    return { ...this.counts, transcripts: this.transcripts.stats() };
  }

  /** Resolves once every transcript read and session end started so far is applied. */
  async idle(): Promise<void> {
    while (this.pendingReads.size > 0 || this.pendingEnds.size > 0) {
      await Promise.allSettled([...this.pendingReads, ...[...this.pendingEnds.values()].map((end) => end.done)]);
    }
  }

  /** Applies the session ends still in their grace now (the daemon is stopping). */
  flushEnds(): void {
    for (const end of [...this.pendingEnds.values()]) end.run();
  }

  /** A delivery refused before it reached an adapter (a body that is not a JSON object): counted and logged. */
  reject(source: string, message: string): void {
    this.counts.received++;
    this.counts.invalid++;
    this.problem(source, message);
  }

  private ingest(hook: HookCommandInput, ctx: RequestContext, options: HookOptions = {}): HookResult {
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
    let steps: HookStep[];
    try {
      steps = adapter.map(this.context(delivery));
    } catch (error) {
      this.counts.invalid++;
      this.problem(hook.source, `unreadable ${hook.source} payload: ${(error as Error).message}`);
      return nothing();
    }
    const refused = ctx.replyToAgent ? this.refusedPrompt(hook, steps) : undefined;
    if (refused) steps = steps.filter((step) => !('taskId' in step) || step.taskId !== refused.taskId);
    const durables: Promise<void>[] = [];
    let applied = 0;
    let approval: PendingApproval | undefined;
    for (const step of steps) {
      const outcome = this.applyStep(step, delivery, options);
      if (outcome) {
        applied++;
        durables.push(outcome.durable);
        if (step.kind === 'approval' && adapter.answer) {
          const answer = adapter.answer;
          const { id } = outcome.body as { id: string };
          approval = { id, answer: (decided) => answer(decided, hook.payload) };
        }
      }
    }
    const body: HookOutcome = { applied };
    if (refused) {
      body.output = refused.output;
      durables.push(this.tracker.budgets.recordRefusal(refused.agentId, refused.refusal, refused.prompt));
      this.log.info(`hooks: a new prompt of ${refused.agentId} refused: ${refused.refusal.reason}`);
    }
    if (key) {
      const record = { key, hash: '', status: 202, body, at: this.tracker.now() };
      durables.push(this.tracker.record({ idempotency: record }));
    }
    if (applied > 0) this.counts.applied++;
    const result: HookResult = { status: 202, body, durable: Promise.all(durables).then(() => {}) };
    if (approval) result.approval = approval;
    return result;
  }

  /**
   * A new prompt that an enforced, exceeded budget refuses: the agent is answered with its gate's refusal and no task
   * starts for it. Only for a payload whose agent waits for the answer (the hook route); one from the inbox or a batch
   * was never refused, so its turn is recorded as it ran.
   */
  private refusedPrompt(hook: HookCommandInput, steps: readonly HookStep[]): RefusedPrompt | undefined {
    const gate = promptGateOf(hook.source, hook.payload);
    const start = steps.find((step): step is StartTaskStep => step.kind === 'startTask' && step.parentId === undefined);
    if (!gate || !start || this.tracker.state.tasks.has(start.taskId)) return undefined;
    const session = steps.find((step) => step.kind === 'session' && step.agentId === start.agentId);
    const meta = { ...this.tracker.state.agents.get(start.agentId)?.meta, ...(session?.kind === 'session' ? session.meta : {}) };
    const refusal = this.tracker.budgets.refusal({ meta: { kind: hook.source, ...meta } });
    if (!refusal) return undefined;
    return { taskId: start.taskId, agentId: start.agentId, prompt: start.title, refusal, output: gate.refuse(refusal.reason) };
  }

  private context(delivery: HookDelivery): HookContext {
    return { delivery, host: this.host, session: (agentId) => this.sessionView(agentId) };
  }

  private sessionView(agentId: string): SessionView {
    const state = this.tracker.state;
    const openTasks: Task[] = [];
    for (const task of state.tasks.inStates(ACTIVE_STATES)) if (task.agentId === agentId) openTasks.push(task);
    openTasks.sort((a, b) => (state.tasks.rank(a.id) ?? 0) - (state.tasks.rank(b.id) ?? 0));
    return {
      agentId,
      agent: state.agents.get(agentId),
      openTasks,
      hasTask: (taskId) => state.tasks.has(taskId),
      task: (taskId) => state.tasks.get(taskId),
      toolStartedAt: (toolUseId) => this.toolStarts.get(`${agentId}\n${toolUseId}`),
      turnStartedAt: (taskId) => this.turnStarts.get(taskId),
    };
  }

  /** Applies one step; undefined when it changed nothing or the tracker refused it (a late or repeated payload). */
  private applyStep(step: HookStep, delivery: HookDelivery, options: HookOptions): Outcome<unknown> | undefined {
    const tracker = this.tracker;
    const ctx: RequestContext = { actor: agentActor(step.agentId), discardBody: true };
    const seqBefore = tracker.state.seq;
    if (step.kind === 'toolStarted') {
      this.toolStarts.set(`${step.agentId}\n${step.toolUseId}`, step.at);
      return undefined;
    }
    if ((step.kind === 'transcript' || step.kind === 'finish') && !tracker.state.tasks.has(step.taskId)) {
      const early = this.earlyEnds.get(step.taskId) ?? [];
      this.earlyEnds.set(step.taskId, [...early, step]);
      return undefined;
    }
    if (step.kind === 'transcript') {
      this.readTranscript(step);
      return undefined;
    }
    if (step.kind === 'startTask' && !tracker.state.tasks.has(step.taskId)) this.turnStarts.set(step.taskId, Date.parse(delivery.at));
    if (step.kind === 'endSession') {
      this.scheduleEnd(step.agentId, Date.parse(delivery.at));
      return undefined;
    }
    if (step.kind === 'session') this.sessionGoesOn(step.agentId, Date.parse(delivery.at));
    try {
      const outcome = this.run(step, ctx, options);
      const started = step.kind === 'startTask' ? step.taskId : undefined;
      const early = started === undefined ? undefined : this.earlyEnds.get(started);
      if (started !== undefined && early && tracker.state.tasks.has(started)) {
        this.earlyEnds.delete(started);
        const ends = early.map((end) => this.applyStep(end, delivery, options)).filter((end) => end !== undefined);
        if (outcome && ends.length > 0) return { ...outcome, durable: Promise.all([outcome.durable, ...ends.map((e) => e.durable)]).then(() => {}) };
      }
      return outcome && tracker.state.seq > seqBefore ? outcome : undefined;
    } catch (error) {
      // A store that cannot write now is the caller's to report (503; the inbox retries the line).
      if (error instanceof TrackerError && error.code === 'unavailable') throw error;
      // Refused by the rules (a late or repeated payload): nothing to do. Anything else is logged, never thrown at
      // the agent: one step that fails must not stop the payload's other steps.
      if (!(error instanceof TrackerError)) this.problem(delivery.source, `a ${step.kind} step failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  private run(step: HookStep, ctx: RequestContext, options: HookOptions): Outcome<unknown> | undefined {
    const tracker = this.tracker;
    switch (step.kind) {
      case 'session': {
        const known = tracker.state.agents.get(step.agentId);
        // Hooks now report this session: it is no longer one seen only in the agent's own registry.
        const { seenWithoutHooks: _found, ...kept } = known?.meta ?? {};
        const meta = { ...kept, ...step.meta };
        return tracker.heartbeatAgent(step.agentId, { name: step.name, meta }, ctx);
      }
      case 'startTask': {
        if (tracker.state.tasks.has(step.taskId)) return undefined;
        const parentId = step.parentId && tracker.state.tasks.has(step.parentId) ? step.parentId : undefined;
        return tracker.createTask(
          step.taskId,
          {
            title: step.title,
            state: 'active',
            agentId: step.agentId,
            jobType: 'manual',
            triggerSource: step.triggerSource,
            input: step.input,
            ...(parentId ? { parentId } : {}),
            ...(step.requestId ? { requestId: step.requestId } : {}),
          },
          ctx,
        );
      }
      case 'step': {
        const task = openTask(tracker, step.taskId);
        if (!task || task.step === step.step) return undefined;
        return tracker.report(step.taskId, { type: 'task.progress', data: { step: step.step } }, step.agentId, ctx);
      }
      case 'log':
        if (!tracker.state.tasks.has(step.taskId)) return undefined;
        return tracker.report(step.taskId, { type: 'task.log', data: { message: step.message, level: step.level, ...(step.files?.length ? { files: step.files } : {}) } }, step.agentId, ctx);
      case 'needsInput': {
        const task = openTask(tracker, step.taskId);
        if (!task || (task.state !== 'active' && task.state !== 'paused')) return undefined;
        return tracker.transition(step.taskId, { to: 'paused', needsInput: step.request, agentId: step.agentId }, ctx);
      }
      case 'approval': {
        // Only a hook that waits asks for a decision (its adapter made the step because it does).
        if (options.approvalWaitMs === undefined) return undefined;
        const taskId = step.taskId && openTask(tracker, step.taskId) ? step.taskId : undefined;
        return tracker.requestApproval({ ...step.ask, agentId: step.agentId, ...(taskId ? { taskId } : {}), waitMs: options.approvalWaitMs }, ctx);
      }
      case 'resume': {
        const task = openTask(tracker, step.taskId);
        if (task?.state !== 'paused' || waitsOnApproval(tracker, task)) return undefined;
        return tracker.transition(step.taskId, { to: 'active', agentId: step.agentId }, ctx);
      }
      case 'finish':
        return this.finish(step, ctx);
      case 'usage':
        return tracker.recordUsage({ taskId: step.taskId, agentId: step.agentId }, step.report, ctx);
      case 'endSession':
      case 'toolStarted':
      case 'transcript':
        return undefined;
    }
  }

  private scheduleEnd(agentId: string, at: number): void {
    const pending = this.pendingEnds.get(agentId);
    if (pending && pending.at >= at) return;
    if (pending) this.dropEnd(agentId, pending);
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const end: PendingEnd = {
      at,
      done,
      settle,
      run: () => {
        this.dropEnd(agentId, end);
        try {
          if (!this.tracker.state.agents.has(agentId)) return;
          const ctx: RequestContext = { actor: agentActor(agentId), discardBody: true };
          void this.tracker.endAgentSession(agentId, { reason: 'session_ended', message: 'the session ended' }, ctx).durable.catch(() => {});
        } catch (error) {
          this.log.warn(`hooks: the end of ${agentId} not recorded: ${(error as Error).message}`);
        }
      },
      timer: setTimeout(() => end.run(), SESSION_END_GRACE_MS),
    };
    this.pendingEnds.set(agentId, end);
  }

  private dropEnd(agentId: string, end: PendingEnd): void {
    clearTimeout(end.timer);
    if (this.pendingEnds.get(agentId) === end) this.pendingEnds.delete(agentId);
    end.settle();
  }

  /** A payload observed after a pending end: the session was resumed, so it does not end. */
  private sessionGoesOn(agentId: string, at: number): void {
    const pending = this.pendingEnds.get(agentId);
    if (pending && at > pending.at) this.dropEnd(agentId, pending);
  }

  /**
   * Puts the requests a transcript recorded since its last read on the task, each once. Read after the payload is
   * applied (the file is the agent's, and may be large); a request from before the turn began is an earlier turn's.
   */
  private readTranscript(step: Extract<HookStep, { kind: 'transcript' }>): void {
    const read = this.transcripts
      .readNew(step.path, step.format)
      .then((requests) => {
        const task = this.tracker.state.tasks.get(step.taskId);
        if (!task) return;
        const since = (this.turnStarts.get(step.taskId) ?? Date.parse(task.createdAt)) - TURN_START_SLACK_MS;
        const ctx: RequestContext = { actor: agentActor(step.agentId), discardBody: true };
        for (const request of requests) {
          if (request.at !== undefined && request.at < since) continue;
          const { id, at, requestId, ...report } = request;
          const when = at ?? Date.now();
          const sighting = { ...report, ownId: id, from: when, to: when, costed: report.costUsd !== undefined, ...(requestId ? { requestId } : {}) };
          try {
            const target = { taskId: step.taskId, agentId: step.agentId };
            void recordRequestUsage(this.tracker, this.requests, target, 'transcript', report, sighting, ctx).durable.catch(() => {});
          } catch (error) {
            // A request refused (counts beyond their bounds) is skipped; the transcript's other requests still count.
            this.log.warn(`hooks: usage from ${step.path} not recorded: ${(error as Error).message}`);
          }
        }
      })
      .catch((error: unknown) => this.log.warn(`hooks: transcript ${step.path} unreadable: ${String(error)}`));
    this.pendingReads.add(read);
    void read.finally(() => this.pendingReads.delete(read));
  }

  /** Ends a turn; a turn still paused (its agent stopped waiting) goes on first, since `paused` ends only cancelled. */
  private finish(step: Extract<HookStep, { kind: 'finish' }>, ctx: RequestContext): Outcome<unknown> | undefined {
    const tracker = this.tracker;
    const task = openTask(tracker, step.taskId);
    if (!task) return undefined;
    let resumed: Outcome<unknown> | undefined;
    if (task.state === 'paused' && step.to !== 'cancelled') {
      resumed = tracker.transition(step.taskId, { to: 'active', agentId: step.agentId }, ctx);
    }
    const finished = tracker.transition(
      step.taskId,
      {
        to: step.to,
        agentId: step.agentId,
        ...(step.result ? { result: step.result } : {}),
        ...(step.error ? { error: step.error } : {}),
        ...(step.reason ? { reason: step.reason } : {}),
      },
      ctx,
    );
    if (!resumed) return finished;
    return { ...finished, durable: Promise.all([resumed.durable, finished.durable]).then(() => {}) };
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

type StartTaskStep = Extract<HookStep, { kind: 'startTask' }>;

interface RefusedPrompt {
  taskId: string;
  agentId: string;
  prompt: string;
  refusal: PromptRefusal;
  output: Record<string, unknown>;
}

interface PendingEnd {
  at: number;
  timer: NodeJS.Timeout;
  done: Promise<void>;
  settle: () => void;
  run: () => void;
}

function nothing(): HookResult {
  return { status: 202, body: { applied: 0 }, durable: Promise.resolve() };
}

/**
 * Whether the task is paused on an approval still pending: the agent waits on its permission hook, so other payloads
 * of the session (the tool call's own start, posted by an asynchronous hook that may arrive, or even be observed,
 * after the permission hook; a parallel read-only call) do not take the task on. Only the decision, the expiry or the
 * turn's end do.
 */
function waitsOnApproval(tracker: Tracker, task: Task): boolean {
  const id = task.needsInput?.approvalId;
  return id !== undefined && tracker.state.approvals.get(id)?.state === 'pending';
}

function openTask(tracker: Tracker, taskId: string): Task | undefined {
  const task = tracker.state.tasks.get(taskId);
  return task && !isFinished(task.state) ? task : undefined;
}

/** Identity of a delivery: its source, observation time, process and content (key order as sent). */
function payloadHash(source: string, at: string, pid: number | undefined, payload: unknown): string {
  return createHash('sha256').update(`${source}\n${at}\n${pid ?? ''}\n${JSON.stringify(payload)}`).digest('base64url');
}
