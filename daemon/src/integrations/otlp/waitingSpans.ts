/**
 * Spans that arrived before an ancestor they need. OTel exports a span when it ends, so an agent's own `invoke_agent`
 * span comes after its tool and model calls: with the simple span processor every child comes in an export of its
 * own, and with the batch processor any agent run longer than one export interval does the same. These spans are kept
 * per trace until the export that brings their ancestors, bounded in count and age so that spans whose ancestors never
 * come (a trace of another library, a crashed agent) cannot grow the daemon's memory.
 */
import type { OtlpSpan } from './otlpJson.js';
import { spanKey } from './genaiSpans.js';

export interface WaitingSpanLimits {
  /** Spans kept across every trace; past it the oldest are given up. */
  maxSpans: number;
  /** How long a span may wait for its ancestors (an agent run longer than this loses the usage that came first). */
  maxAgeMs: number;
}

export const WAITING_SPAN_LIMITS: WaitingSpanLimits = { maxSpans: 20_000, maxAgeMs: 2 * 60 * 60_000 };

const AGE_SCAN_MS = 5_000;

interface Waiting {
  span: OtlpSpan;
  since: number;
}

export class WaitingSpans {
  /** By span key, in arrival order (a Map keeps insertion order: the oldest come first). */
  private readonly spans = new Map<string, Waiting>();
  /** The keys waiting in each trace. */
  private readonly traces = new Map<string, Set<string>>();
  private agedAt = 0;

  constructor(private readonly limits: WaitingSpanLimits = WAITING_SPAN_LIMITS) {}

  get size(): number {
    return this.spans.size;
  }

  /**
   * Takes out every span waiting in one of the traces of `batch`: they are mapped again together with it. A span
   * taken keeps the time it first arrived, which `keep` gets back for it when it still has to wait.
   */
  takeFor(batch: readonly OtlpSpan[]): { spans: OtlpSpan[]; since: Map<string, number> } {
    const spans: OtlpSpan[] = [];
    const since = new Map<string, number>();
    for (const traceId of new Set(batch.map((span) => span.traceId))) {
      const keys = this.traces.get(traceId);
      if (!keys) continue;
      this.traces.delete(traceId);
      for (const key of keys) {
        const waiting = this.spans.get(key);
        this.spans.delete(key);
        if (!waiting) continue;
        spans.push(waiting.span);
        since.set(key, waiting.since);
      }
    }
    return { spans, since };
  }

  /** Keeps `spans` until their ancestors come; returns how many spans were given up to stay within the limits. */
  keep(spans: readonly OtlpSpan[], now: number, since: ReadonlyMap<string, number> = new Map()): number {
    for (const span of spans) {
      const key = spanKey(span);
      this.spans.delete(key);
      this.spans.set(key, { span, since: since.get(key) ?? now });
      let keys = this.traces.get(span.traceId);
      if (!keys) this.traces.set(span.traceId, (keys = new Set()));
      keys.add(key);
    }
    return this.evict(now);
  }

  /**
   * Gives up spans past the age limit (looked for at most every few seconds: a span kept again keeps its first arrival
   * time but moves to the end of the order, so finding them takes a full pass), then the earliest kept past the count
   * limit.
   */
  evict(now: number): number {
    let given = 0;
    if (now - this.agedAt >= AGE_SCAN_MS) {
      this.agedAt = now;
      for (const [key, waiting] of this.spans) {
        if (now - waiting.since <= this.limits.maxAgeMs) continue;
        this.forget(key, waiting.span.traceId);
        given++;
      }
    }
    for (const [key, waiting] of this.spans) {
      if (this.spans.size <= this.limits.maxSpans) break;
      this.forget(key, waiting.span.traceId);
      given++;
    }
    return given;
  }

  private forget(key: string, traceId: string): void {
    this.spans.delete(key);
    const keys = this.traces.get(traceId);
    keys?.delete(key);
    if (keys?.size === 0) this.traces.delete(traceId);
  }
}
