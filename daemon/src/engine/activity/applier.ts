/**
 * The one applier of agents' activities (protocol/activity.ts), whichever source reported them: a hook payload, an OTLP
 * export, a session registry. It applies one payload's activities through the tracker's named methods as one commit,
 * under one set of rules:
 * - what an agent says of itself replaces what was known of it; what telemetry says only fills in (`session.seen`);
 * - an agent's turn is `manual` work (it was not queued through the API), started once under the adapter's id;
 * - a turn that ends while paused goes on first (only `paused` -> `cancelled` is allowed), and a late or repeated
 *   report of anything changes nothing;
 * - a turn's end (or transcript) that arrives before the prompt that starts it waits for it, and a session's end waits
 *   a moment for the turn's own end (asynchronous hooks deliver in any order);
 * - a tool call and a model request count once, whichever sources report them, and a payload's new model requests on
 *   one task are one usage change (Tracker.recordUsages).
 */
import {
  ACTIVE_STATES,
  TrackerError,
  checkKeptStrings,
  checkUsageCounts,
  describeError,
  isFinished,
  type Activity,
  type SessionView,
  type Task,
  type UsageReportInput,
  type UsageSighting,
} from '../../protocol/index.js';
import { BoundedMap } from '../../common/boundedMap.js';
import type { Logger } from '../../common/logger.js';
import { agentActor, type Outcome, type RequestContext } from '../context.js';
import type { Tracker, UsageTarget } from '../tracker.js';
import type { TranscriptRequests, UsageMatching } from './ports.js';

/** Tool starts and turn starts remembered (for durations and for which transcript requests belong to a turn). */
const MEMORY_ENTRIES = 10_000;
/** A transcript request recorded this long before its turn's first payload belongs to an earlier turn. */
const TURN_START_SLACK_MS = 2000;
/**
 * A session's end is applied this long after it arrives: asynchronous hooks (and a spool written by several of them)
 * may deliver the turn's own end after the session's, and a turn that ended done must not be cancelled for it.
 */
export const SESSION_END_GRACE_MS = 1000;

export interface ApplyOptions {
  /** When the payload was observed (ms): turn starts and session ends are ordered by it. */
  at: number;
  /** The payload's hook waits this long for the user's decision: an `approval.asked` becomes an approval. */
  approvalWaitMs?: number;
}

export interface Applied {
  /** Activities that changed something. */
  applied: number;
  /** The approval the payload recorded, which its hook waits on. */
  approvalId?: string;
  durable: Promise<void>;
}

type Of<T extends Activity['type']> = Extract<Activity, { type: T }>;
type Ending = Of<'turn.ended'> | Of<'turn.failed'> | Of<'turn.interrupted'> | Of<'transcript'>;

export class ActivityApplier {
  private readonly toolStarts = new BoundedMap<string, number>(MEMORY_ENTRIES);
  private readonly turnStarts = new BoundedMap<string, number>(MEMORY_ENTRIES);
  /** A turn's end delivered before the prompt that starts it: kept by task id, applied right after the task starts. */
  private readonly earlyEnds = new BoundedMap<string, Ending[]>(MEMORY_ENTRIES);
  /** Session ends waiting out their grace, by agent. */
  private readonly pendingEnds = new Map<string, PendingEnd>();
  /** Transcript reads in flight (tests and shutdown wait on them). */
  private readonly pendingReads = new Set<Promise<void>>();

  constructor(
    private readonly tracker: Tracker,
    /** Gives each model request one key across the sources that report it. */
    private readonly requests: UsageMatching,
    private readonly transcripts: TranscriptRequests,
    private readonly log: Logger,
  ) {}

  /** Applies one payload's activities as one commit. Throws only when the store cannot write (503). */
  apply(activities: readonly Activity[], options: ApplyOptions): Applied {
    const { value, durable } = this.tracker.store.joinCommits(() => this.applyEach(activities, options));
    return { ...value, durable: Promise.all([durable, value.durable]).then(() => {}) };
  }

  private applyEach(activities: readonly Activity[], options: ApplyOptions): Applied {
    // What the commits return is the unit's durable promise; budgets' crossings add their own.
    const durables: Promise<void>[] = [];
    let applied = 0;
    let approvalId: string | undefined;
    const usage = new Map<string, GatheredUsage>();
    const count = (what: string, agentId: string, run: () => Outcome<unknown> | undefined): Outcome<unknown> | undefined => {
      const seqBefore = this.tracker.state.seq;
      const outcome = this.guarded(what, agentId, run);
      if (!outcome) return undefined;
      durables.push(outcome.durable);
      if (this.tracker.state.seq > seqBefore) applied++;
      return outcome;
    };
    const step = (activity: Activity): void => {
      const outcome = count(activity.type, activity.agentId, () => this.run(activity, options, usage));
      if (outcome && activity.type === 'approval.asked') approvalId = (outcome.body as { id: string }).id;
    };
    for (const activity of activities) {
      step(activity);
      if (activity.type !== 'turn.started') continue;
      // The ends that arrived before this turn's start apply now that it exists.
      const early = this.earlyEnds.get(activity.taskId);
      if (early && this.tracker.state.tasks.has(activity.taskId)) {
        this.earlyEnds.delete(activity.taskId);
        early.forEach(step);
      }
    }
    for (const { target, reports } of usage.values()) {
      const ctx: RequestContext = { actor: agentActor(target.agentId), discardBody: true };
      count('usage', target.agentId, () => this.tracker.recordUsages(target, reports, ctx));
    }
    return { applied, ...(approvalId ? { approvalId } : {}), durable: Promise.all(durables).then(() => {}) };
  }

  /** The tracker's view of one session, for an adapter deciding what a payload means. */
  sessionView(agentId: string): SessionView {
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
    };
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

  /** One change; undefined when it changed nothing or the rules refused it (a late or repeated report). */
  private guarded(what: string, agentId: string, run: () => Outcome<unknown> | undefined): Outcome<unknown> | undefined {
    try {
      return run();
    } catch (error) {
      // A store that cannot write now is the caller's to report (503; the inbox retries the line).
      if (error instanceof TrackerError && error.code === 'unavailable') throw error;
      // Refused by the rules (a late or repeated report): nothing to do. What the agent reported beyond the contract's
      // bounds is logged, and anything else too, never thrown at the agent: one activity must not stop the others.
      if (!(error instanceof TrackerError)) this.log.warn(`activity: ${what} of ${agentId} failed: ${describeError(error)}`);
      else if (error.code === 'validation_failed') this.log.warn(`activity: ${what} of ${agentId} not recorded: ${error.message}`);
      return undefined;
    }
  }

  /** `usage` gathers the payload's model usage by target, recorded once the payload's other activities are applied. */
  private run(activity: Activity, options: ApplyOptions, usage: Map<string, GatheredUsage>): Outcome<unknown> | undefined {
    const tracker = this.tracker;
    const ctx: RequestContext = { actor: agentActor(activity.agentId), discardBody: true };
    switch (activity.type) {
      case 'session.seen':
        return this.seen(activity, options.at, ctx);
      case 'session.ended':
        this.scheduleEnd(activity.agentId, options.at);
        return undefined;
      case 'turn.started':
        return this.startTurn(activity, options.at, ctx);
      case 'tool.started': {
        if (activity.toolUseId) this.toolStarts.set(`${activity.agentId}\n${activity.toolUseId}`, activity.at);
        const resumed = this.resume(activity.taskId, activity.agentId, ctx);
        const stepped = this.step(activity.taskId, activity.agentId, activity.step, ctx);
        return joined(resumed, stepped);
      }
      case 'tool.ended':
        return this.toolEnded(activity, ctx);
      case 'note':
        if (!tracker.state.tasks.has(activity.taskId)) return undefined;
        return tracker.report(activity.taskId, { type: 'task.log', data: { message: activity.message, level: activity.level } }, activity.agentId, ctx);
      case 'input.needed': {
        const task = openTask(tracker, activity.taskId);
        if (!task || (task.state !== 'active' && task.state !== 'paused')) return undefined;
        return tracker.transition(activity.taskId, { to: 'paused', needsInput: activity.request, agentId: activity.agentId }, ctx);
      }
      case 'approval.asked': {
        // Only a hook that waits asks for a decision.
        if (options.approvalWaitMs === undefined) return undefined;
        const taskId = activity.taskId && openTask(tracker, activity.taskId) ? activity.taskId : undefined;
        return tracker.requestApproval({ ...activity.ask, agentId: activity.agentId, ...(taskId ? { taskId } : {}), waitMs: options.approvalWaitMs }, ctx);
      }
      case 'input.given':
        return this.resume(activity.taskId, activity.agentId, ctx);
      case 'usage':
        return this.gatherUsage(activity, usage, ctx);
      case 'transcript':
      case 'turn.ended':
      case 'turn.failed':
      case 'turn.interrupted':
        if (!tracker.state.tasks.has(activity.taskId)) {
          this.earlyEnds.set(activity.taskId, [...(this.earlyEnds.get(activity.taskId) ?? []), activity]);
          return undefined;
        }
        if (activity.type === 'transcript') {
          this.readTranscript(activity);
          return undefined;
        }
        return this.finish(activity, ctx);
    }
  }

  /**
   * What an agent says of itself (its hooks, its own session registry) replaces what was known, field by field, and
   * keeps a session whose end is pending alive. Telemetry lags and speaks of single requests: it only fills in what
   * is missing, and says nothing new of an agent that is online and described already.
   */
  private seen(activity: Of<'session.seen'>, at: number, ctx: RequestContext): Outcome<unknown> | undefined {
    const known = this.tracker.state.agents.get(activity.agentId);
    if (activity.firsthand) {
      this.sessionGoesOn(activity.agentId, at);
      // Hooks now report this session: it is no longer one seen only in the agent's own registry.
      const { seenWithoutHooks: _found, ...kept } = known?.meta ?? {};
      return this.tracker.heartbeatAgent(activity.agentId, { name: activity.name, meta: { ...kept, ...activity.meta } }, ctx);
    }
    if (known && known.status !== 'offline' && Object.entries(activity.meta).every(([k, v]) => k in known.meta || v === undefined)) {
      return undefined;
    }
    return this.tracker.heartbeatAgent(activity.agentId, { name: known?.name ?? activity.name, meta: { ...activity.meta, ...known?.meta } }, ctx);
  }

  /** An agent's turn (or a subagent's work) is `manual`: it was not queued through the API. Started once, under its id. */
  private startTurn(activity: Of<'turn.started'>, at: number, ctx: RequestContext): Outcome<unknown> | undefined {
    const tasks = this.tracker.state.tasks;
    if (tasks.has(activity.taskId)) return undefined;
    this.turnStarts.set(activity.taskId, at);
    const parentId = activity.parentId && tasks.has(activity.parentId) ? activity.parentId : undefined;
    const fields = {
      title: activity.title,
      state: 'active' as const,
      agentId: activity.agentId,
      jobType: 'manual' as const,
      triggerSource: activity.source,
      input: activity.input,
      ...(parentId ? { parentId } : {}),
      ...(activity.requestId ? { requestId: activity.requestId } : {}),
    };
    return this.tracker.createTask(activity.taskId, fields, ctx);
  }

  /** A task that waited goes on, unless it waits on an approval still pending (only the decision takes it on). */
  private resume(taskId: string, agentId: string, ctx: RequestContext): Outcome<unknown> | undefined {
    const task = openTask(this.tracker, taskId);
    if (task?.state !== 'paused' || waitsOnApproval(this.tracker, task)) return undefined;
    return this.tracker.transition(taskId, { to: 'active', agentId }, ctx);
  }

  private step(taskId: string, agentId: string, step: string, ctx: RequestContext): Outcome<unknown> | undefined {
    const task = openTask(this.tracker, taskId);
    if (!task || task.step === step) return undefined;
    return this.tracker.report(taskId, { type: 'task.progress', data: { step } }, agentId, ctx);
  }

  /** A tool call ends: the first source to report it logs it (and sets the step it saw); every report counts it once. */
  private toolEnded(activity: Of<'tool.ended'>, ctx: RequestContext): Outcome<unknown> | undefined {
    const tracker = this.tracker;
    const taskId = this.taskFor(activity);
    const first = activity.key === undefined || tracker.usageCounted(activity.key) === undefined;
    const outcomes: (Outcome<unknown> | undefined)[] = [];
    if (taskId !== undefined && first) {
      outcomes.push(this.resume(taskId, activity.agentId, ctx));
      if (activity.step !== undefined) outcomes.push(this.step(taskId, activity.agentId, activity.step, ctx));
      const data = { message: activity.message, level: activity.level, ...(activity.files?.length ? { files: activity.files } : {}) };
      outcomes.push(tracker.report(taskId, { type: 'task.log', data }, activity.agentId, ctx));
    }
    const report: UsageReportInput = { toolCalls: 1, requests: 0, ...(activity.key ? { requestId: activity.key } : {}) };
    outcomes.push(tracker.recordUsage({ taskId, agentId: activity.agentId }, report, ctx));
    return joined(...outcomes);
  }

  /**
   * A model request's usage, gathered with the payload's others on the same task (an export's hundreds of requests are
   * one change: Tracker.recordUsages). With a sighting, it counts under the key the matcher gives it, so that a
   * transcript's and an OTLP event's report of the same request count once; when the request was counted first by a
   * source that knew no cost, this one's cost is added at once on its own, where the request's tokens went (the turn's
   * task may have ended since). A report beyond the contract's bounds is refused alone.
   */
  private gatherUsage(activity: Of<'usage'>, usage: Map<string, GatheredUsage>, ctx: RequestContext): Outcome<unknown> | undefined {
    checkUsageCounts(activity.report);
    checkKeptStrings(activity.report, 'usage');
    const target = { taskId: this.taskFor(activity), agentId: activity.agentId };
    let report = activity.report;
    let cost: Outcome<unknown> | undefined;
    if (activity.sighting) {
      const { key, costKey } = this.requests.keysOf(target.agentId, activity.sighting.source, activity.sighting);
      report = { ...report, requestId: key };
      const first = costKey !== undefined && report.costUsd ? this.tracker.usageCounted(key) : undefined;
      if (costKey !== undefined && report.costUsd) {
        const where = first ? { ...(first.taskId ? { taskId: first.taskId } : {}), agentId: first.agentId ?? target.agentId } : target;
        cost = this.tracker.recordUsage(where, { costUsd: report.costUsd, requests: 0, requestId: costKey }, ctx, { costOfUnpriced: true });
      }
    }
    const group = `${target.taskId ?? ''}\n${target.agentId}`;
    const gathered = usage.get(group);
    if (gathered) gathered.reports.push(report);
    else usage.set(group, { target, reports: [report] });
    return cost;
  }

  /**
   * The task named, if it exists (a turn that ended still takes its late usage); else the agent's newest open task;
   * else none (the usage stays on the agent).
   */
  private taskFor(activity: { agentId: string; taskId?: string }): string | undefined {
    const state = this.tracker.state;
    if (activity.taskId !== undefined && state.tasks.has(activity.taskId)) return activity.taskId;
    let newest: { id: string; rank: number } | undefined;
    for (const task of state.tasks.inStates(ACTIVE_STATES)) {
      if (task.agentId !== activity.agentId) continue;
      const rank = state.tasks.rank(task.id) ?? 0;
      if (!newest || rank > newest.rank) newest = { id: task.id, rank };
    }
    return newest?.id;
  }

  /** Ends a turn; one still paused (its agent stopped waiting) goes on first, since `paused` ends only cancelled. */
  private finish(activity: Of<'turn.ended'> | Of<'turn.failed'> | Of<'turn.interrupted'>, ctx: RequestContext): Outcome<unknown> | undefined {
    const tracker = this.tracker;
    const task = openTask(tracker, activity.taskId);
    if (!task) return undefined;
    const { taskId, agentId } = activity;
    const resumed = task.state === 'paused' && activity.type !== 'turn.interrupted' ? tracker.transition(taskId, { to: 'active', agentId }, ctx) : undefined;
    const body =
      activity.type === 'turn.ended'
        ? { to: 'done' as const, agentId, ...(activity.result ? { result: activity.result } : {}) }
        : activity.type === 'turn.failed'
          ? { to: 'failed' as const, agentId, error: activity.error }
          : { to: 'cancelled' as const, agentId, reason: activity.reason };
    return joined(resumed, tracker.transition(taskId, body, ctx));
  }

  /**
   * Puts the requests a transcript recorded since its last read on the task, each once. Read after the payload is
   * applied (the file is the agent's, and may be large); a request from before the turn began is an earlier turn's.
   */
  private readTranscript(activity: Of<'transcript'>): void {
    const read = this.transcripts
      .readNew(activity.path, activity.format)
      .then((requests) => {
        const task = this.tracker.state.tasks.get(activity.taskId);
        if (!task) return;
        const since = (this.turnStarts.get(activity.taskId) ?? Date.parse(task.createdAt)) - TURN_START_SLACK_MS;
        const usage: Activity[] = [];
        for (const request of requests) {
          if (request.at !== undefined && request.at < since) continue;
          const { id, at, requestId, ...report } = request;
          const when = at ?? Date.now();
          const sighting: UsageSighting = { ...report, source: 'transcript', ownId: id, from: when, to: when, costed: report.costUsd !== undefined, ...(requestId ? { requestId } : {}) };
          usage.push({ type: 'usage', taskId: activity.taskId, agentId: activity.agentId, report, sighting });
        }
        // A request refused (counts beyond their bounds) is skipped; the transcript's other requests still count.
        void this.apply(usage, { at: Date.now() }).durable.catch((error: unknown) => this.log.warn(`activity: usage from ${activity.path} not recorded: ${describeError(error)}`));
      })
      .catch((error: unknown) => this.log.warn(`activity: transcript ${activity.path} unreadable: ${describeError(error)}`));
    this.pendingReads.add(read);
    void read.finally(() => this.pendingReads.delete(read));
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
          void this.tracker
            .endAgentSession(agentId, { reason: 'session_ended', message: 'the session ended' }, ctx)
            .durable.catch((error: unknown) => this.log.warn(`activity: the end of ${agentId} not recorded: ${describeError(error)}`));
        } catch (error) {
          this.log.warn(`activity: the end of ${agentId} not recorded: ${describeError(error)}`);
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
}

interface GatheredUsage {
  target: UsageTarget & { agentId: string };
  reports: UsageReportInput[];
}

interface PendingEnd {
  at: number;
  timer: NodeJS.Timeout;
  done: Promise<void>;
  settle: () => void;
  run: () => void;
}

/** Several outcomes of one activity as one: the last one's answer, durable once all are. */
function joined(...outcomes: (Outcome<unknown> | undefined)[]): Outcome<unknown> | undefined {
  const present = outcomes.filter((outcome) => outcome !== undefined);
  const last = present.at(-1);
  if (!last || present.length === 1) return last;
  return { ...last, durable: Promise.all(present.map((outcome) => outcome.durable)).then(() => {}) };
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
