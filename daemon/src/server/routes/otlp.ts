/**
 * The OTLP/HTTP receiver: POST /v1/logs, /v1/traces, /v1/metrics, with the bearer token like every route, so an
 * exporter pointed at `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:7421` with the Authorization header just works.
 * Both encodings OpenTelemetry's exporters speak are read, gzip or not: `http/json` and `http/protobuf` (decoded into
 * the same JSON shape). Either body passes the nesting bound every JSON body passes.
 */
import express, { Router, type Request } from 'express';
import { MAX_BODY_BYTES, TrackerError, checkNesting, describeError } from '../../protocol/index.js';
import type { Clock } from '../../common/clock.js';
import type { ActivityApplier } from '../../engine/activity/applier.js';
import type { OtlpExports, OtlpSignal } from '../../integrations/otlp/otlpExports.js';
import { decodeOtlpProtobuf } from '../../integrations/otlp/otlpProtobuf.js';

const SIGNALS: OtlpSignal[] = ['logs', 'traces', 'metrics'];
const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];

/** One export request is read into activities (integrations/otlp) and applied as one payload. */
export function otlpRouter(otlp: OtlpExports, applier: ActivityApplier, clock: Clock): Router {
  const router = Router();
  const json = express.json({ limit: MAX_BODY_BYTES, strict: false });
  const raw = express.raw({ limit: MAX_BODY_BYTES, type: PROTOBUF_TYPES });
  for (const signal of SIGNALS) {
    router.post(`/${signal}`, json, raw, async (req, res) => {
      const body = bodyOf(signal, req);
      checkNesting(body);
      const now = clock.now();
      await applier.apply(otlp.read(signal, body, now), { at: now }).durable;
      // An empty Export*ServiceResponse: everything was accepted (records that map to nothing are dropped, not rejected).
      // A protobuf sender reads an empty message from an empty body; a JSON sender reads `{}`.
      if (req.is(PROTOBUF_TYPES)) res.status(200).type('application/x-protobuf').end();
      else res.status(200).json({});
    });
  }
  return router;
}

function bodyOf(signal: OtlpSignal, req: Request): unknown {
  const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') return req.body as unknown;
  if (PROTOBUF_TYPES.includes(type)) {
    try {
      // No body at all is an empty message.
      return decodeOtlpProtobuf(signal, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    } catch (error) {
      throw new TrackerError('validation_failed', `not an OTLP/protobuf ${signal} export request: ${describeError(error)}`, [
        { path: 'body', message: 'undecodable protobuf' },
      ]);
    }
  }
  throw new TrackerError('validation_failed', 'an OTLP body must be application/json or application/x-protobuf', [
    { path: 'Content-Type', message: `expected application/json or application/x-protobuf, got ${type || 'none'}` },
  ]);
}
