/**
 * OTLP export requests read into activities: decodes a request's records, maps them (agentLogs.ts, genaiSpans.ts) and
 * counts what mapped and what was dropped. Spans that arrived before their agent span wait here for it (bounded), and
 * the spans already seen are remembered so that a child exported later still finds its agent's task. A request that is
 * not OTLP is refused (400) before anything of it is applied; a record that maps to nothing is counted and dropped.
 */
import { checkUsageCounts, parse, type Activity } from '../../protocol/index.js';
import { BoundedMap } from '../../common/boundedMap.js';
import { mapAgentLog } from './agentLogs.js';
import { mapGenAiSpans, spanKey } from './genaiSpans.js';
import { LogsRequest, MetricsRequest, TracesRequest, logRecords, metricPointCount, spans, type OtlpSpan } from './otlpJson.js';
import { WaitingSpans } from './waitingSpans.js';

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

export class OtlpExports {
  private readonly counts: OtlpCounters = {
    received: { logs: 0, traces: 0, metrics: 0 },
    mapped: { logs: 0, traces: 0, metrics: 0 },
    dropped: { logs: 0, traces: 0, metrics: 0 },
    invalid: 0,
    waitingSpans: 0,
  };
  private readonly spanTasks = new BoundedMap<string, { taskId: string; agentId: string }>(SPAN_MEMORY);

  constructor(private readonly waiting = new WaitingSpans()) {}

  counters(): OtlpCounters {
    return { ...structuredClone(this.counts), waitingSpans: this.waiting.size };
  }

  /** One export request's activities, in order. Throws 400 for a body that is not OTLP. `now` ages waiting spans. */
  read(signal: OtlpSignal, body: unknown, now: number): Activity[] {
    let activities: Activity[] = [];
    let received = 0;
    let mapped = 0;
    let dropped: number | undefined;
    try {
      if (signal === 'logs') {
        const records = logRecords(parse(LogsRequest, body));
        received = records.length;
        ({ activities, mapped } = mapLogs(records.map(mapAgentLog)));
      } else if (signal === 'traces') {
        const batch = spans(parse(TracesRequest, body));
        received = batch.length;
        ({ activities, mapped, dropped } = this.mapSpans(batch, now));
      } else {
        received = metricPointCount(parse(MetricsRequest, body));
      }
      // Counts beyond their bounds refuse the whole export before anything of it is applied.
      for (const activity of activities) if (activity.type === 'usage') checkUsageCounts(activity.report);
    } catch (error) {
      this.counts.invalid++;
      throw error;
    }
    this.counts.received[signal] += received;
    this.counts.mapped[signal] += mapped;
    this.counts.dropped[signal] += dropped ?? received - mapped;
    return activities;
  }

  /**
   * Maps one export's spans together with those of the same traces still waiting for an ancestor. A span counts as
   * mapped or dropped once: when it maps, when it turns out to map to nothing, or when it is given up waiting.
   */
  private mapSpans(batch: OtlpSpan[], now: number): { activities: Activity[]; mapped: number; dropped: number } {
    const earlier = this.waiting.takeFor(batch);
    const all = earlier.spans.length > 0 ? [...earlier.spans, ...batch] : batch;
    const mapping = mapGenAiSpans(all, { taskOf: (traceId, spanId) => this.spanTasks.get(`${traceId}/${spanId}`) });
    for (const span of mapping.seen) this.spanTasks.set(spanKey(span), { taskId: span.taskId, agentId: span.agentId });
    const givenUp = this.waiting.keep(mapping.waiting, now, earlier.since);
    const settled = all.length - mapping.waiting.length;
    return { activities: mapping.activities, mapped: mapping.mapped.size, dropped: settled - mapping.mapped.size + givenUp };
  }

}

/**
 * A request holds many records of one session: its agent is described once per request (what each record tells of
 * it, merged), not once per record.
 */
function mapLogs(perRecord: readonly Activity[][]): { activities: Activity[]; mapped: number } {
  const activities: Activity[] = [];
  const agents = new Map<string, Extract<Activity, { type: 'session.seen' }>>();
  let mapped = 0;
  for (const recordActivities of perRecord) {
    if (recordActivities.length > 0) mapped++;
    for (const activity of recordActivities) {
      if (activity.type !== 'session.seen') {
        activities.push(activity);
        continue;
      }
      const first = agents.get(activity.agentId);
      if (first) first.meta = { ...activity.meta, ...first.meta };
      else {
        agents.set(activity.agentId, activity);
        activities.push(activity);
      }
    }
  }
  return { activities, mapped };
}
