/** createApp: the Express application of the HTTP API. It never listens, so tests can mount it anywhere. */
import express, { type Express, type Router } from 'express';
import { TrackerError } from '../protocol/index.js';
import { Retention } from '../engine/retention.js';
import type { Tracker } from '../engine/tracker.js';
import type { Logger } from '../common/logger.js';
import type { DaemonMetrics } from './metrics.js';
import { errorHandler, notFound } from './middleware/errors.js';
import { minSeq, writeSeqHeader } from './middleware/readYourWrites.js';
import { guard, type GuardOptions } from './middleware/security.js';
import { activityHandlers, type StatsExtension } from './routes/activity.js';
import { agentHandlers } from './routes/agents.js';
import { approvalHandlers } from './routes/approvals.js';
import { backupHandlers } from './routes/backup.js';
import { budgetHandlers } from './routes/budgets.js';
import { eventHandlers } from './routes/events.js';
import { apiRouter, NotServed } from './routes/handlers.js';
import { healthHandlers } from './routes/health.js';
import { hookHandlers } from './routes/hooks.js';
import type { HookPayloads } from '../engine/activity/hookPayloads.js';
import { historyHandlers } from './routes/history.js';
import { metricsHandlers } from './routes/metrics.js';
import { openapiHandlers } from './routes/openapi.js';
import { taskHandlers } from './routes/tasks.js';
import { webhookHandlers } from './routes/webhooks.js';
import type { WebhookService } from '../notify/webhookService.js';
import { boardRouter } from './board/boardRoutes.js';
import { loginCodeHandlers } from './board/loginCodes.js';

export interface AppOptions extends GuardOptions {
  tracker: Tracker;
  version: string;
  log: Logger;
  extraStats?: StatsExtension[];
  /** The daemon's retention (its daily run shares the cleanup route's lock); one is made when not given. */
  retention?: Retention;
  /** Without it `/metrics` answers 404. */
  metrics?: DaemonMetrics;
  /** Maps agents' hook payloads (`POST /v1/hooks/:kind`); without it that route answers 404. */
  hooks?: HookPayloads;
  /** Outbound webhooks; without them `/v1/webhooks` answers 404. */
  webhooks?: WebhookService;
  /** The daemon's own address, for the board's login links; without it (or without `sessions`) there is no board. */
  url?: () => string;
  /** Endpoints outside the route table (other protocols), mounted at their path. */
  routes?: { path: string; router: Router }[];
}

export function createApp(options: AppOptions): Express {
  const { tracker, log } = options;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  app.use(guard(options));
  const { metrics, hooks, webhooks, sessions, url } = options;
  const board = sessions && url ? { sessions, url } : undefined;
  if (board) app.use(boardRouter({ sessions: board.sessions, port: options.port, secure: Boolean(options.secure) }));
  app.use(writeSeqHeader(tracker.store), minSeq(tracker.store));
  app.use(
    apiRouter({
      ...healthHandlers(tracker, options.version),
      ...taskHandlers(tracker),
      ...agentHandlers(tracker),
      ...approvalHandlers(tracker),
      ...eventHandlers(tracker, hooks),
      ...backupHandlers(tracker),
      ...budgetHandlers(tracker),
      ...activityHandlers(tracker, options.extraStats ?? []),
      ...historyHandlers(options.retention ?? new Retention(tracker, log)),
      ...openapiHandlers(options.version),
      ...(metrics ? metricsHandlers(metrics) : { metrics: new NotServed('this daemon keeps no metrics') }),
      ...(hooks ? hookHandlers(hooks) : { ingestHook: new NotServed('this daemon takes no hook payloads') }),
      ...(webhooks ? webhookHandlers(webhooks) : noWebhooks()),
      ...(board ? loginCodeHandlers(board.sessions, board.url) : { createLoginCode: new NotServed('this daemon serves no board') }),
      // The stream is served on the server's `upgrade` event; a plain GET is a client that forgot to ask for a WebSocket.
      stream: () => {
        throw new TrackerError('validation_failed', '/v1/stream is a WebSocket: connect with Upgrade: websocket', [
          { path: 'Upgrade', message: 'a WebSocket upgrade is required' },
        ]);
      },
    }),
  );
  for (const { path, router } of options.routes ?? []) app.use(path, router);
  app.use(notFound);
  app.use(errorHandler(log));
  return app;
}

function noWebhooks(): ReturnType<typeof webhookHandlers> {
  const none = new NotServed('this daemon sends no webhooks');
  return { listWebhooks: none, createWebhook: none, removeWebhook: none, webhookDeliveries: none, testWebhook: none };
}
