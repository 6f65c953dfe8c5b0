/**
 * The tracker's commands. Each one checks the request against the registry, turns it into events and commits them in
 * one synchronous step, so two requests can never interleave between check and change (an atomic claim needs no lock).
 */
import { randomBytes } from 'node:crypto';
import {
  ACTIVE_STATES,
  handledElsewhere,
  TrackerError,
  type Approval,
  canTransition,
  normalizeDependencies,
  usageDelta,
  addUsage,
  checkKeptStrings,
  checkUsageCounts,
  type Agent,
  type AgentOfflineData,
  type NeedsInput,
  type NeedsInputRequestInput,
  type UsageData,
  type UsageReportInput,
  type AgentHeartbeatInput,
  type ClaimInput,
  type TaskCreateFields,
  type ErrorInputValue,
  type NextInput,
  type PatchTaskInput,
  type ResetInput,
  type StuckResetInput,
  type Task,
  type TaskClaimedData,
  type TaskProgressData,
  type EventDataMap,
  type TaskTransitionedData,
  type ErrorData,
  type TaskHeartbeatInput,
  type TaskState,
  type TransitionInput,
} from '../protocol/index.js';
import type { Clock } from '../common/clock.js';
import { newApprovalId, newTaskId } from '../common/ids.js';
import type { TrackerState } from '../store/state.js';
import type { CommitExtras, EventDraft, IdempotencyRecord, InboxCursor, Store } from '../store/store.js';
import { agentActor, type Outcome, type RequestContext } from './context.js';
import {
  checkAttemptsLeft,
  checkNotFenced,
  checkReferences,
  checkStartable,
  checkTransition,
  checkVersion,
  leaseIsLive,
  requireTask,
} from './guards.js';
import { stuckDrafts } from './stuck.js';
import {
  decisionDrafts,
  expiryDrafts,
  overdueApprovals,
  requestDrafts,
  requireApproval,
  type ApprovalDecisionRequest,
  type ApprovalRequest,
} from './approvals.js';
import { ApprovalWaits } from './approvalWaits.js';
import type { ProcessWatch } from './liveness.js';
import { blockers, presentAgent, presentTask } from './views.js';
import { Budgets } from './budgets.js';

export interface TrackerSettings {
  defaultLeaseMs: number;
  agentTimeoutMs: number;
}

export interface UsageTarget {
  taskId?: string;
  agentId?: string;
}

export interface UsageOptions {
  /** The report is the cost of a request counted earlier without one: that request is no longer unpriced. */
  costOfUnpriced?: boolean;
}

export interface UsageOutcome {
  /** False when the report named a model request that was already counted. */
  counted: boolean;
  taskId: string | null;
  agentId: string | null;
}

/** The idempotency record of a counted model request. */
const usageKey = (requestId: string): string => `usage:${requestId}`;

export interface AgentEnd {
  reason: NonNullable<AgentOfflineData['reason']>;
  /** Recorded as the reason of each task it cancels. */
  message: string;
}

/** What an agent reports on a task without changing its state: progress, a log line or a checkpoint. */
export type AgentReport = { [T in 'task.progress' | 'task.log' | 'task.checkpoint']: { type: T; data: EventDataMap[T] } }[
  'task.progress' | 'task.log' | 'task.checkpoint'
];

export interface ClaimResult {
  task: Task;
  leaseToken: string;
}

/** Entering these from these is a start: it needs the dependencies done and an attempt left. */
const START_TARGETS: readonly TaskState[] = ['assigned', 'active'];

export class Tracker {
  /** Hooks waiting for approvals to be decided. */
  readonly approvalWaits: ApprovalWaits;
  /** Spending budgets: set, list, remove; their crossings and the prompts they refuse. */
  readonly budgets: Budgets;

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly settings: TrackerSettings,
  ) {
    this.approvalWaits = new ApprovalWaits(store);
    this.budgets = new Budgets(store, clock, (ctx, drafts, status, present) => this.commit(ctx, drafts, status, present));
  }

  get state(): TrackerState {
    return this.store.state;
  }

  // ---- tasks --------------------------------------------------------------------------------------------------------

  /**
   * A new task from a create request's fields, which its `task.created` event carries as they are. The id comes
   * apart from them: every caller already holds the fields without it, and copying them to take it out again was a
   * tenth of bulk ingest.
   */
  createTask(id: string | undefined, fields: TaskCreateFields, ctx: RequestContext): Outcome<Task> {
    id ??= newTaskId();
    if (this.state.tasks.has(id)) throw new TrackerError('conflict', `task ${id} already exists`, { id });
    checkReferences(this.state, id, fields.parentId, normalizeDependencies(fields.dependsOn));
    const drafts = this.agentDrafts(fields.agentId ?? undefined);
    drafts.push({ type: 'task.created', taskId: id, actor: ctx.actor, data: fields });
    return this.commit(ctx, drafts, 201, () => this.present(id));
  }

  patchTask(id: string, patch: PatchTaskInput, ifMatch: number | undefined, ctx: RequestContext): Outcome<Task> {
    const task = requireTask(this.state, id);
    checkVersion(task, ifMatch);
    const changes: Partial<Task> = {};
    const { dependsOn, ...rest } = patch;
    Object.assign(changes, rest);
    if (dependsOn !== undefined) changes.dependsOn = normalizeDependencies(dependsOn);
    checkReferences(this.state, id, changes.parentId, changes.dependsOn);
    for (const key of Object.keys(changes) as (keyof Task)[]) {
      if (JSON.stringify(changes[key]) === JSON.stringify(task[key])) delete changes[key];
    }
    if (Object.keys(changes).length === 0) return this.unchanged(() => this.present(id));
    const drafts = this.agentDrafts(changes.agentId ?? undefined);
    drafts.push({ type: 'task.updated', taskId: id, actor: ctx.actor, data: { changes } });
    return this.commit(ctx, drafts, 200, () => this.present(id));
  }

  transition(id: string, body: TransitionInput, ctx: RequestContext): Outcome<Task> {
    const task = requireTask(this.state, id);
    checkVersion(task, body.expectVersion);
    if (body.needsInput && body.to !== 'paused') {
      throw new TrackerError('validation_failed', 'needsInput goes with a transition to paused', [
        { path: 'needsInput', message: `not allowed with to: ${body.to}` },
      ]);
    }
    // A task already waiting for the user may come to wait for something else (the next permission, a question).
    if (body.needsInput && task.state === 'paused') return this.askAgain(task, body.needsInput, body.agentId, ctx);
    checkTransition(task, body.to);
    checkNotFenced(task, body.agentId, this.clock.now());
    if (START_TARGETS.includes(body.to) && !START_TARGETS.includes(task.state)) checkStartable(this.state, task);
    if (task.state === 'failed' && body.to === 'pending') checkAttemptsLeft(task);
    if (body.to === 'assigned' && !(body.agentId ?? task.agentId)) {
      throw new TrackerError('validation_failed', 'assigning a task needs an agentId', [
        { path: 'agentId', message: 'required to assign' },
      ]);
    }
    const data: TaskTransitionedData = { from: task.state, to: body.to };
    if (body.reason !== undefined) data.reason = body.reason;
    if (body.error !== undefined) data.error = toErrorData(body.error);
    if (body.result !== undefined) data.result = body.result;
    if (body.agentId !== undefined) data.agentId = body.agentId;
    if (body.needsInput) data.needsInput = { since: this.store.now(), ...body.needsInput } satisfies NeedsInput;
    const drafts = this.agentDrafts(body.agentId);
    drafts.push({ type: 'task.transitioned', taskId: id, agentId: body.agentId, actor: ctx.actor, data });
    return this.commit(ctx, drafts, 200, () => this.present(id));
  }

  private askAgain(task: Task, request: NeedsInputRequestInput, agentId: string | undefined, ctx: RequestContext): Outcome<Task> {
    checkNotFenced(task, agentId, this.clock.now());
    const { kind, message } = request;
    if (task.needsInput?.kind === kind && task.needsInput.message === message) return this.unchanged(() => this.present(task.id));
    const changes: Partial<Task> = { needsInput: { since: this.store.now(), kind, message } };
    const drafts = this.agentDrafts(agentId);
    drafts.push({ type: 'task.updated', taskId: task.id, agentId, actor: ctx.actor, data: { changes } });
    return this.commit(ctx, drafts, 200, () => this.present(task.id));
  }

  /**
   * Model usage reported for a task (it sums on the task's agent too) or for an agent outside any task. A report that
   * names a model request already counted, from whichever source, changes nothing.
   */
  recordUsage(target: UsageTarget, report: UsageReportInput, ctx: RequestContext, options: UsageOptions = {}): Outcome<UsageOutcome> {
    // Bounded here, whichever way it came: adapters of agents' transcripts and telemetry report what agents wrote.
    checkUsageCounts(report);
    checkKeptStrings(report, 'usage');
    const task = target.taskId === undefined ? undefined : requireTask(this.state, target.taskId);
    const agentId = task?.agentId ?? target.agentId;
    const key = report.requestId === undefined ? undefined : usageKey(report.requestId);
    if (key && this.store.idempotencyRecord(key)) {
      return this.unchanged(() => ({ counted: false, taskId: task?.id ?? null, agentId: agentId ?? null }));
    }
    const data: UsageData = { usage: reportDelta(report) };
    if (options.costOfUnpriced) data.usage.unpricedRequests = -1;
    if (report.model !== undefined) data.model = report.model;
    if (report.requestId !== undefined) data.requestId = report.requestId;
    return this.commitUsage(task, agentId, data, key === undefined ? [] : [key], ctx);
  }

  /**
   * Several model requests' usage on one target as one change, as a telemetry export or a transcript read reports
   * them: each request counts once under its own key, as in recordUsage, and those not counted before are summed into
   * one usage event on the task and one on its agent (an export of hundreds of requests is two events, not hundreds of
   * pairs). Their keys are recorded in the same commit unit as the events, when the caller joins one.
   */
  recordUsages(target: UsageTarget, reports: readonly UsageReportInput[], ctx: RequestContext): Outcome<UsageOutcome> {
    const [only] = reports;
    if (only && reports.length === 1) return this.recordUsage(target, only, ctx);
    for (const report of reports) {
      checkUsageCounts(report);
      checkKeptStrings(report, 'usage');
    }
    const task = target.taskId === undefined ? undefined : requireTask(this.state, target.taskId);
    const agentId = task?.agentId ?? target.agentId;
    const keys = new Set<string>();
    let sum: UsageData['usage'] | undefined;
    let model: string | undefined;
    for (const report of reports) {
      const key = report.requestId === undefined ? undefined : usageKey(report.requestId);
      if (key !== undefined && (keys.has(key) || this.store.idempotencyRecord(key))) continue;
      if (key !== undefined) keys.add(key);
      const { model: _none, ...added } = addUsage(sum, reportDelta(report));
      sum = added;
      if (report.model !== undefined) model = report.model;
    }
    if (!sum) return this.unchanged(() => ({ counted: false, taskId: task?.id ?? null, agentId: agentId ?? null }));
    return this.commitUsage(task, agentId, { usage: sum, ...(model === undefined ? {} : { model }) }, [...keys], ctx);
  }

  /** Usage on the task and its agent (or the agent alone), with the keys of the requests it counts, in one commit. */
  private commitUsage(task: Task | undefined, agentId: string | undefined, data: UsageData, keys: readonly string[], ctx: RequestContext): Outcome<UsageOutcome> {
    const drafts = this.agentDrafts(agentId);
    if (task) drafts.push({ type: 'task.usage', taskId: task.id, agentId, actor: ctx.actor, data });
    if (agentId) drafts.push({ type: 'agent.usage', agentId, actor: ctx.actor, data });
    const body: UsageOutcome = { counted: true, taskId: task?.id ?? null, agentId: agentId ?? null };
    const at = this.store.now();
    const [first, ...rest] = keys.map((key) => ({ key, hash: '', status: 200, body, at }));
    const { durable } = this.store.commit(drafts, { extras: first ? { idempotency: first } : {} });
    // Inside the caller's unit these are the same write; each key is a record the next report of its request finds.
    for (const idempotency of rest) this.store.commit([], { extras: { idempotency } });
    const crossed = this.budgets.afterUsage(agentId);
    return { status: 200, body, durable: Promise.all([durable, crossed]).then(() => {}) };
  }

  /** A claim leaves the task `assigned` to its holder with a lease; the holder starts it with a transition to `active`. */
  claim(id: string, body: ClaimInput, ctx: RequestContext): Outcome<ClaimResult> {
    const task = requireTask(this.state, id);
    const now = this.clock.now();
    if (leaseIsLive(task, now)) {
      const holder = task.lease?.agentId;
      throw new TrackerError('already_claimed', `task ${id} is already claimed by ${holder}`, { holder });
    }
    // Claimed work whose lease ran out may be taken over; unclaimed active work and another agent's assignment may not.
    const takeover = task.lease !== null && (task.state === 'assigned' || task.state === 'active');
    if (!takeover) {
      const holder = task.state === 'active' || (task.state === 'assigned' && task.agentId !== body.agentId) ? task.agentId : null;
      if (holder) throw new TrackerError('already_claimed', `task ${id} is already claimed by ${holder}`, { holder });
      if (task.state !== 'pending' && task.state !== 'assigned') checkTransition(task, 'assigned');
      checkStartable(this.state, task);
    }
    const leaseMs = body.leaseMs ?? this.settings.defaultLeaseMs;
    const leaseToken = randomBytes(18).toString('base64url');
    const data: TaskClaimedData = {
      from: task.state,
      agentId: body.agentId,
      leaseToken,
      leaseExpiresAt: new Date(now + leaseMs).toISOString(),
      leaseMs,
    };
    const drafts = this.agentDrafts(body.agentId);
    drafts.push({ type: 'task.claimed', taskId: id, agentId: body.agentId, actor: ctx.actor, data });
    return this.commit(ctx, drafts, 200, () => ({ task: this.present(id), leaseToken }));
  }

  /** Renews a lease without an event; progress or a step that changed is recorded. */
  heartbeatTask(id: string, body: TaskHeartbeatInput, ctx: RequestContext): Outcome<{ leaseExpiresAt: string; state: TaskState }> {
    const task = requireTask(this.state, id);
    if (!task.lease || task.lease.token !== body.leaseToken || task.lease.agentId !== body.agentId) {
      throw new TrackerError('not_lease_holder', `the lease on task ${id} is not held with that token; stop working on it`, {
        state: task.state,
      });
    }
    const leaseMs = body.leaseMs ?? this.claimLeaseMs(id);
    const leaseExpiresAt = new Date(this.clock.now() + leaseMs).toISOString();
    this.store.touchTask({ ...task, lease: { ...task.lease, expiresAt: leaseExpiresAt } });
    const drafts = this.agentDrafts(body.agentId);
    const progress: TaskProgressData = {};
    if (body.progress !== undefined && body.progress !== task.progress) progress.progress = body.progress;
    if (body.step !== undefined && body.step !== task.step) progress.step = body.step;
    if (Object.keys(progress).length > 0) {
      drafts.push({ type: 'task.progress', taskId: id, agentId: body.agentId, actor: ctx.actor, data: progress });
    }
    return this.commit(ctx, drafts, 200, () => ({ leaseExpiresAt, state: task.state }));
  }

  private claimLeaseMs(taskId: string): number {
    return this.state.claimLeaseMs.get(taskId) ?? this.settings.defaultLeaseMs;
  }

  /** Progress, a log line or a checkpoint reported by an agent (batch and inbox commands). */
  report(id: string, report: AgentReport, agentId: string | undefined, ctx: RequestContext): Outcome<Task> {
    const task = requireTask(this.state, id);
    checkNotFenced(task, agentId, this.clock.now());
    const drafts = this.agentDrafts(agentId);
    drafts.push({ ...report, taskId: id, agentId, actor: ctx.actor });
    return this.commit(ctx, drafts, 200, () => this.present(id));
  }

  // ---- approvals ----------------------------------------------------------------------------------------------------

  /** Records what an agent's permission hook asks the user, and pauses its task on it (see approvals.ts). */
  requestApproval(request: ApprovalRequest, ctx: RequestContext): Outcome<Approval> {
    const id = newApprovalId();
    const { drafts } = requestDrafts(this.state, request, id, this.clock.now(), ctx.actor);
    // The body is always built: the hook that asked waits on this approval's id.
    return this.commit({ ...ctx, discardBody: false }, [...this.agentDrafts(request.agentId), ...drafts], 201, () => requireApproval(this.state, id));
  }

  /** The user's decision: the first one wins (a later one, or one past the deadline, is 409 `conflict`). */
  decideApproval(id: string, decision: ApprovalDecisionRequest, ctx: RequestContext): Outcome<Approval> {
    const drafts = decisionDrafts(this.state, id, decision, this.clock.now(), ctx.actor);
    return this.commit(ctx, drafts, 200, () => requireApproval(this.state, id));
  }

  /** Nobody decided in time (or the hook went away): the approval expires; nothing when it is settled already. */
  expireApproval(id: string, ctx: RequestContext): Outcome<Approval> {
    const drafts = expiryDrafts(this.state, id, ctx.actor);
    if (drafts.length === 0) return this.unchanged(() => requireApproval(this.state, id));
    return this.commit(ctx, drafts, 200, () => requireApproval(this.state, id));
  }

  /** Expires the pending approvals no hook waits on any more (past their deadline and its grace). */
  expireOverdueApprovals(): EventDraft[] {
    const drafts = overdueApprovals(this.state, this.clock.now()).flatMap((id) => expiryDrafts(this.state, id, 'daemon'));
    if (drafts.length > 0) handledElsewhere(this.store.commit(drafts).durable);
    return drafts;
  }

  // ---- operator resets ----------------------------------------------------------------------------------------------

  resetTask(id: string, body: ResetInput, ctx: RequestContext): Outcome<Task> {
    const task = requireTask(this.state, id);
    this.checkResettable(task, body.to);
    return this.commit(ctx, [this.resetDraft(task, body, ctx)], 200, () => this.present(id));
  }

  resetStuck(body: StuckResetInput, ctx: RequestContext): Outcome<{ tasks: Task[] }> {
    const targets = this.state.tasks.list().filter(
      (task) => task.stuck && (!body.agentId || task.agentId === body.agentId),
    );
    const drafts = targets.map((task) => this.resetDraft(task, body, ctx));
    return this.commit(ctx, drafts, 200, () => ({ tasks: targets.map((t) => this.present(t.id)) }));
  }

  resetAgent(agentId: string, body: ResetInput, ctx: RequestContext): Outcome<{ agent: Agent; tasks: Task[] }> {
    if (!this.state.agents.has(agentId)) throw new TrackerError('not_found', `no agent ${agentId}`);
    const targets = [...this.state.tasks.inStates(ACTIVE_STATES)].filter((task) => task.agentId === agentId);
    const drafts = targets.map((task) => this.resetDraft(task, body, ctx));
    drafts.push({
      type: 'agent.reset',
      agentId,
      actor: ctx.actor,
      data: { to: body.to, reason: body.reason, tasks: targets.map((t) => t.id) },
    });
    return this.commit(ctx, drafts, 200, () => ({
      agent: presentAgent(this.state, this.state.agents.get(agentId) as Agent),
      tasks: targets.map((t) => this.present(t.id)),
    }));
  }

  private checkResettable(task: Task, to: TaskState): void {
    if (task.state === 'done' || task.state === 'cancelled') {
      throw new TrackerError('invalid_transition', `a ${task.state} task is finished and cannot be reset`, {
        from: task.state,
        to,
        allowed: [],
      });
    }
  }

  private resetDraft(task: Task, body: ResetInput, ctx: RequestContext): EventDraft {
    return {
      type: 'task.reset',
      taskId: task.id,
      actor: ctx.actor,
      data: { from: task.state, to: body.to, reason: body.reason },
    };
  }

  // ---- agents -------------------------------------------------------------------------------------------------------

  /**
   * The agent's session is over (its process exited, or it said so): the agent goes offline and its open tasks end,
   * cancelled (nothing will finish them). Nothing changes for an agent already offline with nothing open.
   */
  endAgentSession(agentId: string, end: AgentEnd, ctx: RequestContext): Outcome<{ agent: Agent; tasks: Task[] }> {
    const agent = this.state.agents.get(agentId);
    if (!agent) throw new TrackerError('not_found', `no agent ${agentId}`);
    const open = [...this.state.tasks.inStates(ACTIVE_STATES)].filter((task) => task.agentId === agentId && canTransition(task.state, 'cancelled'));
    const drafts: EventDraft[] = open.map((task) => ({
      type: 'task.transitioned',
      taskId: task.id,
      agentId,
      actor: ctx.actor,
      data: { from: task.state, to: 'cancelled', reason: end.message },
    }));
    if (agent.status !== 'offline') {
      drafts.push({ type: 'agent.offline', agentId, actor: ctx.actor, data: { lastSeenAt: agent.lastSeenAt, reason: end.reason } });
    }
    return this.commit(ctx, drafts, 200, () => ({
      agent: presentAgent(this.state, this.state.agents.get(agentId) as Agent),
      tasks: open.map((task) => this.present(task.id)),
    }));
  }

  heartbeatAgent(agentId: string, body: AgentHeartbeatInput, ctx: RequestContext): Outcome<Agent> {
    const agent = this.state.agents.get(agentId);
    const now = this.store.now();
    if (!agent) {
      const created: Agent = {
        id: agentId,
        name: body.name ?? agentId,
        capabilities: body.capabilities ?? [],
        status: 'online',
        lastSeenAt: now,
        meta: body.meta ?? {},
        registeredAt: now,
        usage: null,
      };
      const drafts: EventDraft[] = [{ type: 'agent.registered', agentId, actor: ctx.actor, data: { agent: created } }];
      return this.commit(ctx, drafts, 200, () => presentAgent(this.state, this.state.agents.get(agentId) as Agent));
    }
    const changes: Partial<Agent> = {};
    if (body.name !== undefined && body.name !== agent.name) changes.name = body.name;
    if (body.capabilities && JSON.stringify(body.capabilities) !== JSON.stringify(agent.capabilities)) {
      changes.capabilities = body.capabilities;
    }
    if (body.meta && JSON.stringify(body.meta) !== JSON.stringify(agent.meta)) changes.meta = body.meta;
    if (agent.status === 'offline') changes.status = 'online';
    if (Object.keys(changes).length === 0) {
      this.touchAgent(agentId);
      return this.unchanged(() => presentAgent(this.state, this.state.agents.get(agentId) as Agent));
    }
    changes.lastSeenAt = now;
    const drafts: EventDraft[] = [{ type: 'agent.updated', agentId, actor: ctx.actor, data: { changes } }];
    return this.commit(ctx, drafts, 200, () => presentAgent(this.state, this.state.agents.get(agentId) as Agent));
  }

  /** The next task for an agent: highest priority, oldest first, not blocked, of a type it can do. */
  next(agentId: string, body: NextInput, ctx: RequestContext): Outcome<{ task: Task; leaseToken?: string } | null> {
    const agent = this.state.agents.get(agentId);
    const capabilities = agent?.capabilities ?? [];
    let best: Task | undefined;
    for (const task of this.state.tasks.inStates(['pending'])) {
      if (task.agentId && task.agentId !== agentId) continue;
      if (task.type && capabilities.length > 0 && !capabilities.includes(task.type)) continue;
      if (task.maxAttempts !== null && task.attempts >= task.maxAttempts) continue;
      if (best && (task.priority < best.priority || (task.priority === best.priority && this.olderOrEqual(best, task)))) continue;
      if (blockers(this.state, task).length > 0) continue;
      best = task;
    }
    // Asking for work is a sign of life: an agent that was offline is online again.
    if (!best) return this.commit(ctx, this.agentDrafts(agentId), 204, () => null);
    if (!body.claim) {
      const id = best.id;
      return this.commit(ctx, this.agentDrafts(agentId), 200, () => ({ task: this.present(id) }));
    }
    return this.claim(best.id, { agentId, leaseMs: body.leaseMs }, ctx);
  }

  private olderOrEqual(a: Task, b: Task): boolean {
    return (this.state.tasks.rank(a.id) ?? 0) <= (this.state.tasks.rank(b.id) ?? 0);
  }

  // ---- the daemon's own writes -------------------------------------------------------------------------------------

  /**
   * One pass of stuck detection: records what changed since the last (`agent.offline`, `task.stuck`, `task.unstuck`).
   * Returns the drafts it committed.
   */
  sweep(processes?: ProcessWatch): EventDraft[] {
    const drafts = stuckDrafts(this.state, this.clock.now(), this.settings.agentTimeoutMs, (id) => processes?.isAlive(id) ?? false);
    if (drafts.length > 0) handledElsewhere(this.store.commit(drafts).durable);
    return [...drafts, ...this.expireOverdueApprovals()];
  }

  /**
   * Process liveness: agents whose process on this host is gone go offline, their open work stuck `process_exited`.
   * Every daemon checks the agents of its own host (unlike stuck detection, which one daemon runs for a shared store).
   */
  checkProcesses(processes: ProcessWatch): EventDraft[] {
    const drafts = processes.check(this.state, this.clock.now());
    if (drafts.length > 0) handledElsewhere(this.store.commit(drafts).durable);
    return drafts;
  }

  /** Retention's removal of finished tasks: a `task.deleted` event each, so stream clients learn of it live. */
  deleteTasks(ids: Iterable<string>, actor: string, reason: string): Promise<void> {
    const drafts: EventDraft[] = [];
    for (const taskId of ids) {
      if (this.state.tasks.has(taskId)) drafts.push({ type: 'task.deleted', taskId, actor, data: { reason } });
    }
    return this.store.commit(drafts).durable;
  }

  /**
   * Bookkeeping without events, durable in the same write as the events committed in the same synchronous step: an
   * inbox file's cursor, the mark of a batch or inbox command applied, a batch request's stored response.
   */
  record(extras: CommitExtras): Promise<void> {
    return this.store.commit([], { extras }).durable;
  }

  idempotencyRecord(key: string): IdempotencyRecord | undefined {
    return this.store.idempotencyRecord(key);
  }

  /** Where the usage of the model request `requestId` was counted (its task and agent), if it was. */
  usageCounted(requestId: string): UsageOutcome | undefined {
    return this.store.idempotencyRecord(usageKey(requestId))?.body as UsageOutcome | undefined;
  }

  inboxCursor(file: string): InboxCursor | undefined {
    return this.store.inboxCursor(file);
  }

  inboxCursors(): Iterable<InboxCursor> {
    return this.store.inboxCursors();
  }

  now(): string {
    return this.store.now();
  }

  // ---- helpers ------------------------------------------------------------------------------------------------------

  present(id: string): Task {
    return presentTask(this.state, this.state.tasks.get(id) as Task);
  }

  /**
   * An agent named by a command is registered on first sight, and seen again on every later one. A new array each
   * time: callers add their own drafts to it.
   */
  private agentDrafts(agentId: string | undefined): EventDraft[] {
    if (!agentId) return [];
    const agent = this.state.agents.get(agentId);
    if (agent) {
      this.touchAgent(agentId);
      if (agent.status !== 'offline') return [];
      return [{ type: 'agent.updated', agentId, actor: agentActor(agentId), data: { changes: { status: 'online', lastSeenAt: this.store.now() } } }];
    }
    const now = this.store.now();
    const created: Agent = { id: agentId, name: agentId, capabilities: [], status: 'online', lastSeenAt: now, meta: {}, registeredAt: now, usage: null };
    return [{ type: 'agent.registered', agentId, actor: agentActor(agentId), data: { agent: created } }];
  }

  private touchAgent(agentId: string): void {
    const agent = this.state.agents.get(agentId);
    const now = this.store.now();
    // A burst from one agent lands in the same millisecond many times over: nothing to renew then.
    if (agent && agent.lastSeenAt !== now) this.store.touchAgent({ ...agent, lastSeenAt: now });
  }

  private unchanged<T>(present: () => T): Outcome<T> {
    return { status: 200, body: present(), durable: Promise.resolve() };
  }

  private commit<T>(ctx: RequestContext, drafts: EventDraft[], status: number, present: () => T): Outcome<T> {
    let body: T | undefined;
    const extras = (): CommitExtras => {
      const key = ctx.idempotency;
      const recorded = key !== undefined && drafts.length > 0;
      if (!ctx.discardBody || recorded) body = present();
      if (!recorded) return {};
      return { idempotency: { key: key.key, hash: key.hash, status, body, at: this.store.now() } };
    };
    const { durable } = this.store.commit(drafts, { extras });
    return { status, body: body as T, durable };
  }

}

/**
 * What one report adds: its counts, a request if it names one, and, for tokens without a cost, an unpriced request
 * (the model's price is not known: not in the price table, and the source gave none).
 */
function reportDelta(report: UsageReportInput): UsageData['usage'] {
  const { model: _model, requestId, ...counts } = report;
  const delta = usageDelta({ requests: requestId === undefined ? 0 : 1, ...counts });
  if (report.costUsd === undefined && hasTokens(delta)) delta.unpricedRequests = Math.max(1, delta.requests);
  return delta;
}

function hasTokens(usage: UsageData['usage']): boolean {
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens > 0;
}

function toErrorData(error: ErrorInputValue): ErrorData {
  return typeof error === 'string' ? { message: error } : error;
}
