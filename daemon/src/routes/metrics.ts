/** GET /metrics: Prometheus text format. Like every route but /healthz, it needs the bearer token. */
import { Router } from 'express';
import type { DaemonMetrics } from '../metrics.js';

export function metricsRouter(metrics: DaemonMetrics): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const text = await metrics.text();
    res.setHeader('Content-Type', metrics.contentType());
    res.send(text);
  });
  return router;
}
