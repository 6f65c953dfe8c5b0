/**
 * OTLP records applied: decodes an export request, maps its records (integrations/otlp, pure) and applies the actions
 * through the tracker's named methods, the same ones every other source of commands uses. A record that maps to
 * nothing is counted and dropped; a request that is not OTLP is refused before anything is applied.
 */
import { ACTIVE_STATES, TrackerError, checkUsageCounts, isFinished, parse } from '../protocol/index.js';
import { agentActor, type Outcome, type RequestContext } from '../engine/context.js';
import type { Tracker } from '../engine/tracker.js';
import type { OtlpAction } from '../integrations/otlp/actions.js';
import { mapAgentLog } from '../integrations/otlp/agentLogs.js';
import type { RequestMatcher } from '../integrations/usage/requestMatcher.js';
import { recordRequestUsage } from './requestUsage.js';
import { mapGenAiSpans, spanKey } from '../integrations/otlp/genaiSpans.js';
import { WaitingSpans } from './waitingSpans.js';
import { LogsRequest, MetricsRequest, TracesRequest, logRecords, metricPointCount, spans, type OtlpSpan } from '../integrations/otlp/otlpJson.js';

export type OtlpSignal = 'logs' | 'traces' | 'metrics';

export interface OtlpCounters {
  /** Records received, by signal (log records, spans, metric data points). */
  received: Record<OtlpSignal, number>;
  /** Records that mapped onto agents and tasks. */
  mapped: Record<OtlpSignal, number>;
  /** Records that mapped to nothing: counted, then dropped. */
  dropped: Record<OtlpSignal, number>;
  /** Requests refused as malformed. */
  invalid: number;
  /** Spans kept until an ancestor they need arrives (counted mapped or dropped once it does, or once given up). */
  waitingSpans: number;
}

/** Spans remembered per trace so that a child exported in a later request still finds its agent's task. */
const SPAN_MEMORY = 50_000;

export class OtlpIngest {
  private readonly counts: OtlpCounters = {
    received: { logs: 0, traces: 0, metrics: 0 },
    mapped: { logs: 0, traces: 0, metrics: 0 },
    dropped: { logs: 0, traces: 0, metrics: 0 },
    invalid: 0,
    waitingSpans: 0,
  };
  private readonly spanTasks = new Map<string, { taskId: string; agentId: string }>();

  constructor(
    private readonly tracker: Tracker,
    /** Shared with the hooks' transcript reading: a request both report is counted under one key. */
    private readonly requests: RequestMatcher,
    private readonly waiting = new WaitingSpans(),
  ) {}

  counters(): OtlpCounters {
    return { ...structuredClone(this.counts), waitingSpans: this.waiting.size };
  }

  /** Applies one export request; resolves once what it changed is durable. Throws 400 for a body that is not OTLP. */
  async ingest(signal: OtlpSignal, body: unknown): Promise<void> {
    let actions: OtlpAction[] = [];
    let received = 0;
    let mapped = 0;
    let dropped: number | undefined;
    try {
      if (signal === 'logs') {
        const records = logRecords(parse(LogsRequest, body));
        received = records.length;
        // A batch holds many records of one session: its agent is described once per request (what each record tells
        // of it, merged), not once per record.
        const agents = new Map<string, Extract<OtlpAction, { kind: 'agent' }>>();
        for (const record of records) {
          const recordActions = mapAgentLog(record);
          if (recordActions.length > 0) mapped++;
          for (const action of recordActions) {
            const first = action.kind === 'agent' ? agents.get(action.agentId) : undefined;
            if (first && action.kind === 'agent') {
              first.meta = { ...action.meta, ...first.meta };
              continue;
            }
            if (action.kind === 'agent') agents.set(action.agentId, action);
            actions.push(action);
          }
        }
      } else if (signal === 'traces') {
        const batch = spans(parse(TracesRequest, body));
        received = batch.length;
        ({ actions, mapped, dropped } = this.mapSpans(batch));
      } else {
        received = metricPointCount(parse(MetricsRequest, body));
      }
      // Counts beyond their bounds refuse the whole export before anything of it is applied.
      for (const action of actions) if (action.kind === 'usage') checkUsageCounts(action.report);
    } catch (error) {
      this.counts.invalid++;
      throw error;
    }
    this.counts.received[signal] += received;
    this.counts.mapped[signal] += mapped;
    this.counts.dropped[signal] += dropped ?? received - mapped;
    const durables: Promise<void>[] = [];
    for (const action of actions) {
      const outcome = this.apply(action);
      if (outcome) durables.push(outcome.durable);
    }
    await Promise.all(durables);
  }

  /**
   * Maps one export's spans together with those of the same traces still waiting for an ancestor. A span counts as
   * mapped or dropped once: when it maps, when it turns out to map to nothing, or when it is given up waiting.
   */
  private mapSpans(batch: OtlpSpan[]): { actions: OtlpAction[]; mapped: number; dropped: number } {
    const now = this.tracker.clock.now();
    const earlier = this.waiting.takeFor(batch);
    const all = earlier.spans.length > 0 ? [...earlier.spans, ...batch] : batch;
    const mapping = mapGenAiSpans(all, { taskOf: (traceId, spanId) => this.spanTasks.get(`${traceId}/${spanId}`) });
    for (const span of mapping.seen) this.rememberSpan(spanKey(span), span);
    const givenUp = this.waiting.keep(mapping.waiting, now, earlier.since);
    const settled = all.length - mapping.waiting.length;
    return { actions: mapping.actions, mapped: mapping.mapped.size, dropped: settled - mapping.mapped.size + givenUp };
  }

  private rememberSpan(key: string, task: { taskId: string; agentId: string }): void {
    if (this.spanTasks.size >= SPAN_MEMORY) this.spanTasks.delete(this.spanTasks.keys().next().value as string);
    this.spanTasks.set(key, { taskId: task.taskId, agentId: task.agentId });
  }

  /** Applies one action; a refusal (a task already finished, a late record) changes nothing and is not an error. */
  private apply(action: OtlpAction): Outcome<unknown> | undefined {
    const ctx: RequestContext = { actor: agentActor(action.agentId), discardBody: true };
    try {
      return this.run(action, ctx);
    } catch (error) {
      if (error instanceof TrackerError && error.code !== 'unavailable') return undefined;
      throw error;
    }
  }

  private run(action: OtlpAction, ctx: RequestContext): Outcome<unknown> | undefined {
    const tracker = this.tracker;
    const state = tracker.state;
    switch (action.kind) {
      case 'agent': {
        const known = state.agents.get(action.agentId);
        // Hooks describe a session better (pid, cwd, workspace): telemetry only fills in what is missing.
        if (known && known.status !== 'offline' && Object.entries(action.meta).every(([k, v]) => k in known.meta || v === undefined)) {
          return undefined;
        }
        const meta = { ...action.meta, ...known?.meta };
        return tracker.heartbeatAgent(action.agentId, { name: known?.name ?? action.name, meta }, ctx);
      }
      case 'task': {
        if (state.tasks.has(action.taskId)) return undefined;
        const parentId = action.parentId && state.tasks.has(action.parentId) ? action.parentId : undefined;
        return tracker.createTask(
          action.taskId,
          {
            title: action.title,
            state: 'active',
            agentId: action.agentId,
            triggerSource: 'otel',
            ...(action.input ? { input: action.input } : {}),
            ...(parentId ? { parentId } : {}),
          },
          ctx,
        );
      }
      case 'usage': {
        const target = { taskId: this.taskFor(action), agentId: action.agentId };
        if (!action.sighting) return tracker.recordUsage(target, action.report, ctx);
        return recordRequestUsage(tracker, this.requests, target, 'otlp', action.report, action.sighting, ctx);
      }
      case 'tool': {
        const taskId = this.taskFor(action);
        const counted = tracker.recordUsage({ taskId, agentId: action.agentId }, { toolCalls: 1, requests: 0, requestId: action.key }, ctx);
        // Reported before (the hooks saw the same call): its step and log line are there already.
        if (!counted.body.counted || taskId === undefined) return counted;
        const progress = tracker.report(taskId, { type: 'task.progress', data: { step: action.step } }, action.agentId, ctx);
        const log = tracker.report(taskId, { type: 'task.log', data: { message: action.message, level: action.level } }, action.agentId, ctx);
        return { ...log, durable: Promise.all([counted.durable, progress.durable, log.durable]).then(() => {}) };
      }
      case 'finish': {
        const task = state.tasks.get(action.taskId);
        if (!task || isFinished(task.state)) return undefined;
        return tracker.transition(
          action.taskId,
          { to: action.to, agentId: action.agentId, ...(action.error ? { error: action.error } : {}) },
          ctx,
        );
      }
    }
  }

  /** The task named, if it exists (a turn that ended still takes its late usage); else the agent's newest open task; else none (usage stays on the agent). */
  private taskFor(action: { agentId: string; taskId?: string }): string | undefined {
    const state = this.tracker.state;
    if (action.taskId !== undefined) {
      const task = state.tasks.get(action.taskId);
      if (task) return task.id;
    }
    let newest: { id: string; rank: number } | undefined;
    for (const task of state.tasks.inStates(ACTIVE_STATES)) {
      if (task.agentId !== action.agentId) continue;
      const rank = state.tasks.rank(task.id) ?? 0;
      if (!newest || rank > newest.rank) newest = { id: task.id, rank };
    }
    return newest?.id;
  }
}
