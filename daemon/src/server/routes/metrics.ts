/** GET /metrics: Prometheus text format. Like every route but /healthz, it needs the bearer token. */
import type { DaemonMetrics } from '../metrics.js';
import type { Handlers } from './handlers.js';

export function metricsHandlers(metrics: DaemonMetrics): Pick<Handlers, 'metrics'> {
  return {
    metrics: async (_req, res) => {
      const text = await metrics.text();
      res.setHeader('Content-Type', metrics.contentType());
      res.send(text);
    },
  };
}
