/**
 * The OTLP/HTTP receiver: POST /v1/logs, /v1/traces, /v1/metrics, with the bearer token like every route, so an
 * exporter pointed at `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:7421` with the Authorization header just works.
 * JSON bodies (`http/json`, gzip or not) are read; protobuf is refused with 415 naming the setting to change.
 */
import express, { Router, type Request } from 'express';
import { MAX_BODY_BYTES, TrackerError } from '../protocol/index.js';
import type { OtlpIngest, OtlpSignal } from '../ingest/otlpIngest.js';

const SIGNALS: OtlpSignal[] = ['logs', 'traces', 'metrics'];

export function otlpRouter(otlp: OtlpIngest): Router {
  const router = Router();
  for (const signal of SIGNALS) {
    router.post(`/${signal}`, express.json({ limit: MAX_BODY_BYTES, strict: false }), async (req, res) => {
      checkContentType(req);
      await otlp.ingest(signal, req.body);
      // An empty Export*ServiceResponse: everything was accepted (records that map to nothing are dropped, not rejected).
      res.status(200).json({});
    });
  }
  return router;
}

function checkContentType(req: Request): void {
  const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return;
  if (type === 'application/x-protobuf' || type === 'application/protobuf') {
    throw new TrackerError('unsupported_media_type', 'this receiver reads OTLP/JSON: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json', {
      setting: 'OTEL_EXPORTER_OTLP_PROTOCOL=http/json',
    });
  }
  throw new TrackerError('validation_failed', 'an OTLP body must be application/json', [
    { path: 'Content-Type', message: `expected application/json, got ${type || 'none'}` },
  ]);
}
