/** createApp: the Express application of the HTTP API. It never listens, so tests can mount it anywhere. */
import express, { type Express, type Router } from 'express';
import { MAX_BODY_BYTES, TrackerError } from './protocol/index.js';
import type { Tracker } from './engine/tracker.js';
import type { Logger } from './logger.js';
import { errorHandler, notFound } from './middleware/errors.js';
import { guard, type GuardOptions } from './middleware/security.js';
import { activityRouter, type StatsExtension } from './routes/activity.js';
import { agentsRouter } from './routes/agents.js';
import { backupRouter } from './routes/backup.js';
import { eventsRouter } from './routes/events.js';
import { healthRouter } from './routes/health.js';
import { hooksRouter } from './routes/hooks.js';
import type { HookIngest } from './ingest/hookIngest.js';
import { openapiRouter } from './routes/openapi.js';
import { tasksRouter } from './routes/tasks.js';

export interface AppOptions extends GuardOptions {
  tracker: Tracker;
  version: string;
  log: Logger;
  extraStats?: StatsExtension[];
  /** Maps agents' hook payloads (`POST /v1/hooks/:kind`); without it that route is not served. */
  hooks?: HookIngest;
  /** Routes other parts of the daemon contribute (metrics, retention, the OpenAPI document), mounted at their path. */
  routes?: { path: string; router: Router }[];
}

export function createApp(options: AppOptions): Express {
  const { tracker } = options;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  app.use(guard(options));
  // Ahead of the JSON parser: hook bodies are read by their route, which counts what does not parse.
  if (options.hooks) app.use('/v1/hooks', hooksRouter(tracker, options.hooks));
  app.use(express.json({ limit: MAX_BODY_BYTES, strict: false }));
  app.use(healthRouter(tracker, options.version));
  app.use('/v1/tasks', tasksRouter(tracker));
  app.use('/v1/agents', agentsRouter(tracker));
  app.use('/v1/events', eventsRouter(tracker));
  app.use('/v1/backup', backupRouter(tracker));
  app.use('/v1', activityRouter(tracker, options.extraStats ?? []));
  app.use(openapiRouter(options.version));
  for (const { path, router } of options.routes ?? []) app.use(path, router);
  // The stream is served on the server's `upgrade` event; a plain GET is a client that forgot to ask for a WebSocket.
  app.get('/v1/stream', () => {
    throw new TrackerError('validation_failed', '/v1/stream is a WebSocket: connect with Upgrade: websocket', [
      { path: 'Upgrade', message: 'a WebSocket upgrade is required' },
    ]);
  });
  app.use(notFound);
  app.use(errorHandler(options.log));
  return app;
}
