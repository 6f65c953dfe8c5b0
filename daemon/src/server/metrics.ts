/**
 * Prometheus metrics on the daemon's own registry (never prom-client's global one: several daemons may share a test
 * process). Gauges read the registry when scraped; counters of durable events count as the store publishes them.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Registry } from 'prom-client';
import { StuckReason, TASK_STATES, type TrackerEvent } from '../protocol/index.js';
import { listAgents } from '../engine/queries.js';
import type { Tracker } from '../engine/tracker.js';
import type { InboxCounters } from '../inbox/inbox.js';
import type { HookCounters } from '../engine/activity/hookPayloads.js';
import type { OtlpCounters } from '../integrations/otlp/otlpExports.js';
import type { TranscriptStats } from '../integrations/usage/transcriptReader.js';
import type { StreamCounters } from './stream.js';

export interface MetricsSources {
  tracker: Tracker;
  stream?: { counters(): StreamCounters };
  inbox?: { counters(): InboxCounters };
  hooks?: { counters(): HookCounters & { transcripts: TranscriptStats } };
  otlp?: { counters(): OtlpCounters };
}

const PREFIX = 'agent_tracker_';
const STUCK_REASONS = StuckReason.options;
const AGENT_STATUSES = ['online', 'busy', 'idle', 'offline'] as const;

export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly unsubscribe: () => void;
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 5 });

  constructor(sources: MetricsSources) {
    const { tracker } = sources;
    const registers = [this.registry];
    const events = new Counter({
      name: `${PREFIX}events_total`,
      help: 'Events written to the event log since the daemon started, by type',
      labelNames: ['type'],
      registers,
    });
    this.unsubscribe = tracker.store.onDurable((batch: readonly TrackerEvent[]) => {
      for (const event of batch) events.inc({ type: event.type });
    });

    new Gauge({
      name: `${PREFIX}tasks`,
      help: 'Tasks in the registry, by state',
      labelNames: ['state'],
      registers,
      collect() {
        // From the state index: a scrape must not visit every task of a large registry while requests wait.
        for (const state of TASK_STATES) this.set({ state }, tracker.state.tasks.countIn(state));
      },
    });
    new Gauge({
      name: `${PREFIX}tasks_stuck`,
      help: 'Stuck tasks, by reason',
      labelNames: ['reason'],
      registers,
      collect() {
        const counts = new Map<string, number>(STUCK_REASONS.map((reason) => [reason, 0]));
        for (const task of tracker.state.tasks.inStates(['active', 'assigned', 'paused'])) {
          if (task.stuck) counts.set(task.stuck.reason, (counts.get(task.stuck.reason) ?? 0) + 1);
        }
        for (const [reason, count] of counts) this.set({ reason }, count);
      },
    });
    new Gauge({
      name: `${PREFIX}agents`,
      help: 'Agents, by status',
      labelNames: ['status'],
      registers,
      collect() {
        const counts = new Map<string, number>(AGENT_STATUSES.map((status) => [status, 0]));
        for (const agent of listAgents(tracker.state)) counts.set(agent.status, (counts.get(agent.status) ?? 0) + 1);
        for (const [status, count] of counts) this.set({ status }, count);
      },
    });
    new Gauge({
      name: `${PREFIX}agents_online`,
      help: 'Agents not offline (seen within the agent timeout)',
      registers,
      collect() {
        let online = 0;
        for (const agent of tracker.state.agents.values()) if (agent.status !== 'offline') online++;
        this.set(online);
      },
    });
    new Gauge({
      name: `${PREFIX}event_seq`,
      help: 'The seq of the last event on disk',
      registers,
      collect() {
        this.set(tracker.store.durableSeq);
      },
    });
    new Gauge({
      name: `${PREFIX}event_log_bytes`,
      help: 'Size of the event log on disk',
      registers,
      async collect() {
        const { bytes } = await tracker.store.health();
        if (bytes !== undefined) this.set(bytes);
      },
    });
    const loopDelay = this.loopDelay;
    loopDelay.enable();
    new Gauge({
      name: `${PREFIX}event_loop_delay_max_seconds`,
      help: 'The longest the event loop was held up since the previous scrape (no piece of work should take more than a few ms)',
      registers,
      collect() {
        this.set(loopDelay.max / 1e9);
        loopDelay.reset();
      },
    });
    this.inboxMetrics(sources);
    this.hookMetrics(sources);
    this.otlpMetrics(sources);
    this.usageMetrics(tracker);
    this.streamMetrics(sources);
    new Gauge({
      name: `${PREFIX}process_memory_bytes`,
      help: 'Memory of the daemon process, by kind (rss, heap_used, external)',
      labelNames: ['kind'],
      registers,
      collect() {
        const usage = process.memoryUsage();
        this.set({ kind: 'rss' }, usage.rss);
        this.set({ kind: 'heap_used' }, usage.heapUsed);
        this.set({ kind: 'external' }, usage.external);
      },
    });
  }

  private otlpMetrics({ otlp }: MetricsSources): void {
    if (!otlp) return;
    new Counter({
      name: `${PREFIX}otlp_records_total`,
      help: 'OTLP records received (log records, spans, metric data points), by signal and result (mapped, dropped: mapped to nothing)',
      labelNames: ['signal', 'result'],
      registers: [this.registry],
      collect() {
        const counts = otlp.counters();
        setCounter(
          this,
          (['logs', 'traces', 'metrics'] as const).flatMap((signal) => [
            [{ signal, result: 'mapped' }, counts.mapped[signal]] as const,
            [{ signal, result: 'dropped' }, counts.dropped[signal]] as const,
          ]),
        );
      },
    });
    new Gauge({
      name: `${PREFIX}otlp_waiting_spans`,
      help: 'Spans kept until an ancestor they need arrives (children are exported before their agent span)',
      registers: [this.registry],
      collect() {
        this.set(otlp.counters().waitingSpans);
      },
    });
  }

  /** Model usage per agent, from the registry (so it survives restarts): tokens by kind and cost in US dollars. */
  private usageMetrics(tracker: Tracker): void {
    const registers = [this.registry];
    new Counter({
      name: `${PREFIX}tokens_total`,
      help: 'Model tokens used by agents, by agent and kind (input, output, cache_read, cache_write)',
      labelNames: ['agent', 'kind'],
      registers,
      collect() {
        const values: [Partial<Record<'agent' | 'kind', string>>, number][] = [];
        for (const agent of tracker.state.agents.values()) {
          const usage = agent.usage;
          if (!usage) continue;
          values.push(
            [{ agent: agent.id, kind: 'input' }, usage.inputTokens],
            [{ agent: agent.id, kind: 'output' }, usage.outputTokens],
            [{ agent: agent.id, kind: 'cache_read' }, usage.cacheReadTokens],
            [{ agent: agent.id, kind: 'cache_write' }, usage.cacheWriteTokens],
          );
        }
        setCounter(this, values);
      },
    });
    new Counter({
      name: `${PREFIX}cost_usd_total`,
      help: 'Model cost reported for agents, in US dollars, by agent',
      labelNames: ['agent'],
      registers,
      collect() {
        const values: [Partial<Record<'agent', string>>, number][] = [];
        for (const agent of tracker.state.agents.values()) if (agent.usage) values.push([{ agent: agent.id }, agent.usage.costUsd]);
        setCounter(this, values);
      },
    });
  }

  private hookMetrics({ hooks }: MetricsSources): void {
    if (!hooks) return;
    new Counter({
      name: `${PREFIX}hook_payloads_total`,
      help: 'Agent hook payloads received, by result (applied, duplicate, unknown_source, invalid, unchanged)',
      labelNames: ['result'],
      registers: [this.registry],
      collect() {
        const counts = hooks.counters();
        const unchanged = counts.received - counts.applied - counts.duplicate - counts.unknownSource - counts.invalid;
        setCounter(this, [
          [{ result: 'applied' }, counts.applied],
          [{ result: 'duplicate' }, counts.duplicate],
          [{ result: 'unknown_source' }, counts.unknownSource],
          [{ result: 'invalid' }, counts.invalid],
          [{ result: 'unchanged' }, unchanged],
        ]);
      },
    });
    new Gauge({
      name: `${PREFIX}transcript_files`,
      help: 'Transcripts followed for usage: distinct files (by device and inode), however many spellings named them',
      registers: [this.registry],
      collect() {
        this.set(hooks.counters().transcripts.files);
      },
    });
    new Gauge({
      name: `${PREFIX}transcript_read_bytes_peak`,
      help: 'The most bytes all transcript reads in flight held together (bounded at 16 MiB)',
      registers: [this.registry],
      collect() {
        this.set(hooks.counters().transcripts.heldBytesPeak);
      },
    });
    new Counter({
      name: `${PREFIX}transcript_refused_total`,
      help: 'Transcript paths skipped because they are not regular files (FIFO, device, folder, dangling link)',
      registers: [this.registry],
      collect() {
        setCounter(this, [[{}, hooks.counters().transcripts.refused]]);
      },
    });
    new Counter({
      name: `${PREFIX}hook_payloads_truncated_total`,
      help: 'Agent hook payloads their forwarder cut to fit (over 1 MiB, over 16 MiB, or not finished by its deadline)',
      registers: [this.registry],
      collect() {
        setCounter(this, [[{}, hooks.counters().truncated]]);
      },
    });
  }

  private inboxMetrics({ inbox, hooks }: MetricsSources): void {
    if (!inbox) return;
    const registers = [this.registry];
    // Kept by the inbox; exposed as counters (they only grow), set to the inbox's totals at each scrape.
    new Counter({
      name: `${PREFIX}inbox_lines_total`,
      help: 'Inbox lines read, by result (applied, duplicate: a command id seen before, invalid)',
      labelNames: ['result'],
      registers,
      collect() {
        const counts = inbox.counters();
        setCounter(this, [
          [{ result: 'applied' }, counts.linesApplied],
          [{ result: 'duplicate' }, counts.linesDuplicate],
          [{ result: 'invalid' }, counts.linesInvalid],
        ]);
      },
    });
    new Counter({
      name: `${PREFIX}ingest_errors_total`,
      help: 'Input refused at ingest, by source (inbox lines invalid or refused; hook payloads unreadable or of no known agent)',
      labelNames: ['source'],
      registers,
      collect() {
        const refused: [Partial<Record<'source', string>>, number][] = [[{ source: 'inbox' }, inbox.counters().linesInvalid]];
        if (hooks) {
          const counts = hooks.counters();
          refused.push([{ source: 'hooks' }, counts.invalid + counts.unknownSource]);
        }
        setCounter(this, refused);
      },
    });
  }

  private streamMetrics({ stream }: MetricsSources): void {
    if (!stream) return;
    const registers = [this.registry];
    new Gauge({
      name: `${PREFIX}stream_clients`,
      help: 'Clients connected to /v1/stream',
      registers,
      collect() {
        this.set(stream.counters().clients);
      },
    });
    new Counter({
      name: `${PREFIX}stream_dropped_total`,
      help: 'Stream clients dropped, by reason (slow: too much unsent, or a catch-up chunk not taken; unresponsive: no pong)',
      labelNames: ['reason'],
      registers,
      collect() {
        const counts = stream.counters();
        setCounter(this, [
          [{ reason: 'slow' }, counts.droppedSlow],
          [{ reason: 'unresponsive' }, counts.droppedUnresponsive],
        ]);
      },
    });
    new Gauge({
      name: `${PREFIX}stream_catch_up_bytes_peak`,
      help: 'The most bytes of events in catch-up chunks held for all stream clients at once (read, not yet taken by the kernel)',
      registers,
      collect() {
        this.set(stream.counters().catchUpBytesPeak);
      },
    });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  close(): void {
    this.loopDelay.disable();
    this.unsubscribe();
  }
}

/** Shows totals kept elsewhere on a counter (prom-client counters only increase, hence the reset). */
function setCounter<T extends string>(counter: Counter<T>, totals: [Partial<Record<T, string>>, number][]): void {
  counter.reset();
  for (const [labels, total] of totals) counter.inc(labels, total);
}
