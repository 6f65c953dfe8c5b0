/**
 * OTLP/protobuf (`application/x-protobuf`, OpenTelemetry's default `http/protobuf`) decoded by protobufjs into the
 * OTLP/JSON shape that otlpJson.ts reads: lowerCamelCase fields, 64-bit integers as decimal strings, trace and span ids
 * as hex (OTLP/JSON's one exception to base64 bytes), other bytes as base64. One reader then serves both encodings.
 *
 * The messages are those of opentelemetry-proto v1 (collector/{logs,trace,metrics}/v1 and the common, resource, logs,
 * trace and metrics messages they use), transcribed with their field numbers. Fields the tracker never reads are left
 * out: protobuf skips unknown fields, so a sender's newer or fuller messages still decode. Metric data points are
 * counted, not read, so their fields are left out too.
 */
import protobuf from 'protobufjs/light.js';

const field = (type: string, id: number, rule?: 'repeated') => ({ type, id, ...(rule ? { rule } : {}) });

const MESSAGES = {
  AnyValue: {
    oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
    fields: {
      stringValue: field('string', 1),
      boolValue: field('bool', 2),
      intValue: field('int64', 3),
      doubleValue: field('double', 4),
      arrayValue: field('ArrayValue', 5),
      kvlistValue: field('KeyValueList', 6),
      bytesValue: field('bytes', 7),
    },
  },
  ArrayValue: { fields: { values: field('AnyValue', 1, 'repeated') } },
  KeyValueList: { fields: { values: field('KeyValue', 1, 'repeated') } },
  KeyValue: { fields: { key: field('string', 1), value: field('AnyValue', 2) } },
  InstrumentationScope: { fields: { name: field('string', 1), version: field('string', 2), attributes: field('KeyValue', 3, 'repeated') } },
  Resource: { fields: { attributes: field('KeyValue', 1, 'repeated') } },

  ExportLogsServiceRequest: { fields: { resourceLogs: field('ResourceLogs', 1, 'repeated') } },
  ResourceLogs: { fields: { resource: field('Resource', 1), scopeLogs: field('ScopeLogs', 2, 'repeated'), schemaUrl: field('string', 3) } },
  ScopeLogs: { fields: { scope: field('InstrumentationScope', 1), logRecords: field('LogRecord', 2, 'repeated'), schemaUrl: field('string', 3) } },
  LogRecord: {
    fields: {
      timeUnixNano: field('fixed64', 1),
      severityNumber: field('int32', 2),
      severityText: field('string', 3),
      body: field('AnyValue', 5),
      attributes: field('KeyValue', 6, 'repeated'),
      flags: field('fixed32', 8),
      traceId: field('bytes', 9),
      spanId: field('bytes', 10),
      observedTimeUnixNano: field('fixed64', 11),
      eventName: field('string', 12),
    },
  },

  ExportTraceServiceRequest: { fields: { resourceSpans: field('ResourceSpans', 1, 'repeated') } },
  ResourceSpans: { fields: { resource: field('Resource', 1), scopeSpans: field('ScopeSpans', 2, 'repeated'), schemaUrl: field('string', 3) } },
  ScopeSpans: { fields: { scope: field('InstrumentationScope', 1), spans: field('Span', 2, 'repeated'), schemaUrl: field('string', 3) } },
  Span: {
    fields: {
      traceId: field('bytes', 1),
      spanId: field('bytes', 2),
      traceState: field('string', 3),
      parentSpanId: field('bytes', 4),
      name: field('string', 5),
      kind: field('int32', 6),
      startTimeUnixNano: field('fixed64', 7),
      endTimeUnixNano: field('fixed64', 8),
      attributes: field('KeyValue', 9, 'repeated'),
      status: field('Status', 15),
    },
  },
  Status: { fields: { message: field('string', 2), code: field('int32', 3) } },

  ExportMetricsServiceRequest: { fields: { resourceMetrics: field('ResourceMetrics', 1, 'repeated') } },
  ResourceMetrics: { fields: { resource: field('Resource', 1), scopeMetrics: field('ScopeMetrics', 2, 'repeated'), schemaUrl: field('string', 3) } },
  ScopeMetrics: { fields: { scope: field('InstrumentationScope', 1), metrics: field('Metric', 2, 'repeated'), schemaUrl: field('string', 3) } },
  Metric: {
    fields: {
      name: field('string', 1),
      description: field('string', 2),
      unit: field('string', 3),
      gauge: field('DataPoints', 5),
      sum: field('DataPoints', 7),
      histogram: field('DataPoints', 9),
      exponentialHistogram: field('DataPoints', 10),
      summary: field('DataPoints', 11),
    },
  },
  /** Gauge, Sum, Histogram, ExponentialHistogram and Summary all hold their points in field 1. */
  DataPoints: { fields: { dataPoints: field('DataPoint', 1, 'repeated') } },
  DataPoint: { fields: {} },
};

const root = protobuf.Root.fromJSON({ nested: MESSAGES });

export type OtlpProtobufSignal = 'logs' | 'traces' | 'metrics';

const REQUESTS: Record<OtlpProtobufSignal, protobuf.Type> = {
  logs: root.lookupType('ExportLogsServiceRequest'),
  traces: root.lookupType('ExportTraceServiceRequest'),
  metrics: root.lookupType('ExportMetricsServiceRequest'),
};

/** Fields left at their default are absent, as OTLP/JSON senders may leave them; 64-bit integers as decimal strings. */
const AS_JSON: protobuf.IConversionOptions = { longs: String, enums: Number, bytes: String, defaults: false, oneofs: false };

/**
 * The export request in `body` as OTLP/JSON. Throws on bytes that are not that message (truncated, wrong wire types,
 * nested past the stack): the caller answers 400.
 */
export function decodeOtlpProtobuf(signal: OtlpProtobufSignal, body: Uint8Array): Record<string, unknown> {
  const type = REQUESTS[signal];
  const json = type.toObject(type.decode(body), AS_JSON);
  jsonIds(json);
  return json;
}

/**
 * Trace and span ids are hex in OTLP/JSON (protobufjs gives bytes as base64). A span's name is required there; in
 * protobuf an empty name is simply not on the wire.
 */
function jsonIds(request: Record<string, unknown>): void {
  const containers = [
    ...(asList(request.resourceSpans).flatMap((r) => asList(r.scopeSpans)).flatMap((s) => asList(s.spans))),
    ...(asList(request.resourceLogs).flatMap((r) => asList(r.scopeLogs)).flatMap((s) => asList(s.logRecords))),
  ];
  for (const item of containers) {
    for (const key of ['traceId', 'spanId', 'parentSpanId']) {
      if (typeof item[key] === 'string') item[key] = Buffer.from(item[key], 'base64').toString('hex');
    }
  }
  for (const span of asList(request.resourceSpans).flatMap((r) => asList(r.scopeSpans)).flatMap((s) => asList(s.spans))) span.name ??= '';
}

function asList(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}
