/**
 * OTLP/JSON as OpenTelemetry's exporters send it (`ExportLogsServiceRequest`, `ExportTraceServiceRequest`,
 * `ExportMetricsServiceRequest`), read into flat records: attributes become a plain object, ids stay hex strings,
 * times become milliseconds. The envelopes are checked with zod; attribute values (AnyValue, recursive) are read by a
 * bounded walk, so a deeply nested value can neither overflow the stack nor stop the other records.
 */
import { z } from 'zod';

export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

/** Deeper AnyValues are cut off here (kept as null): nothing the tracker reads is nested more than a few levels. */
const MAX_VALUE_DEPTH = 16;

/**
 * A list of attributes; each entry is read by attributesOf, which skips one without a string key. zod checks the list,
 * not each entry: an export carries ten or more per record, and checking them here was most of the parse.
 */
const KeyValues = z.array(z.unknown()).optional();
const Resource = z.looseObject({ attributes: KeyValues }).optional();
/** Nanoseconds since the epoch, as a decimal string (the JSON mapping of a uint64) or a number. */
const UnixNano = z.union([z.string().regex(/^\d{1,20}$/), z.number().nonnegative()]).optional();

const LogRecord = z.looseObject({
  timeUnixNano: UnixNano,
  observedTimeUnixNano: UnixNano,
  severityText: z.string().optional(),
  body: z.unknown().optional(),
  attributes: KeyValues,
  eventName: z.string().optional(),
});
export const LogsRequest = z.looseObject({
  resourceLogs: z
    .array(z.looseObject({ resource: Resource, scopeLogs: z.array(z.looseObject({ logRecords: z.array(LogRecord).optional() })).optional() }))
    .optional(),
});

const Span = z.looseObject({
  traceId: z.string().max(64),
  spanId: z.string().max(32),
  parentSpanId: z.string().max(32).optional(),
  name: z.string(),
  startTimeUnixNano: UnixNano,
  endTimeUnixNano: UnixNano,
  attributes: KeyValues,
  status: z.looseObject({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional() }).optional(),
});
export const TracesRequest = z.looseObject({
  resourceSpans: z
    .array(z.looseObject({ resource: Resource, scopeSpans: z.array(z.looseObject({ spans: z.array(Span).optional() })).optional() }))
    .optional(),
});

export const MetricsRequest = z.looseObject({
  resourceMetrics: z
    .array(z.looseObject({ resource: Resource, scopeMetrics: z.array(z.looseObject({ metrics: z.array(z.looseObject({})).optional() })).optional() }))
    .optional(),
});

export interface OtlpLogRecord {
  /** `event.name` (attribute or field), else the body when it is a string (Claude Code: `claude_code.api_request`). */
  name: string;
  attributes: Attributes;
  resource: Attributes;
  /** ms since the epoch, when the record says. */
  at?: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Attributes;
  resource: Attributes;
  start?: number;
  end?: number;
  failed: boolean;
  statusMessage?: string;
}

export function logRecords(request: z.infer<typeof LogsRequest>): OtlpLogRecord[] {
  const records: OtlpLogRecord[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = attributesOf(resourceLogs.resource?.attributes);
    for (const scope of resourceLogs.scopeLogs ?? []) {
      for (const record of scope.logRecords ?? []) {
        const attributes = attributesOf(record.attributes);
        const body = anyValue(record.body, 0);
        const eventName = attributes['event.name'] ?? record.eventName ?? (typeof body === 'string' ? body : undefined);
        const at = nanosToMs(record.timeUnixNano) ?? nanosToMs(record.observedTimeUnixNano);
        records.push({ name: typeof eventName === 'string' ? eventName : '', attributes, resource, ...(at ? { at } : {}) });
      }
    }
  }
  return records;
}

export function spans(request: z.infer<typeof TracesRequest>): OtlpSpan[] {
  const result: OtlpSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        const code = span.status?.code;
        const start = nanosToMs(span.startTimeUnixNano);
        const end = nanosToMs(span.endTimeUnixNano);
        result.push({
          traceId: span.traceId.toLowerCase(),
          spanId: span.spanId.toLowerCase(),
          ...(span.parentSpanId ? { parentSpanId: span.parentSpanId.toLowerCase() } : {}),
          name: span.name,
          attributes: attributesOf(span.attributes),
          resource,
          ...(start ? { start } : {}),
          ...(end ? { end } : {}),
          // STATUS_CODE_ERROR is 2; the JSON mapping may also spell enums by name.
          failed: code === 2 || code === 'STATUS_CODE_ERROR',
          ...(span.status?.message ? { statusMessage: span.status.message } : {}),
        });
      }
    }
  }
  return result;
}

/** Data points in a metrics request: the tracker maps none of them (usage comes per request from logs and spans). */
export function metricPointCount(request: z.infer<typeof MetricsRequest>): number {
  let count = 0;
  for (const resourceMetrics of request.resourceMetrics ?? []) {
    for (const scope of resourceMetrics.scopeMetrics ?? []) {
      for (const metric of scope.metrics ?? []) {
        for (const kind of ['sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary']) {
          const points = (metric[kind] as { dataPoints?: unknown } | undefined)?.dataPoints;
          if (Array.isArray(points)) count += points.length;
        }
      }
    }
  }
  return count;
}

export function attributesOf(list: readonly unknown[] | undefined, depth = 0): Attributes {
  const attributes: Attributes = {};
  for (const entry of list ?? []) {
    const key = (entry as { key?: unknown } | null)?.key;
    if (typeof key !== 'string') continue;
    const value = anyValue((entry as { value?: unknown }).value, depth);
    // An attribute named __proto__ is an attribute like any other, never the object's prototype.
    if (key === '__proto__') Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
    else attributes[key] = value;
  }
  return attributes;
}

/** An OTLP AnyValue as a plain value; int64 values arrive as strings in JSON and become numbers when safe. */
function anyValue(value: unknown, depth: number): AttrValue {
  if (typeof value !== 'object' || value === null || depth >= MAX_VALUE_DEPTH) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined) return toNumber(v.intValue);
  if (v.doubleValue !== undefined) return toNumber(v.doubleValue);
  const array = (v.arrayValue as { values?: unknown } | undefined)?.values;
  if (Array.isArray(array)) return array.map((item) => anyValue(item, depth + 1));
  const kvlist = (v.kvlistValue as { values?: unknown } | undefined)?.values;
  if (Array.isArray(kvlist)) return attributesOf(kvlist, depth + 1);
  if (typeof v.bytesValue === 'string') return v.bytesValue;
  return null;
}

function toNumber(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

function nanosToMs(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value / 1e6 : Number(BigInt(value) / 1_000_000n);
  return ms > 0 ? Math.round(ms) : undefined;
}
