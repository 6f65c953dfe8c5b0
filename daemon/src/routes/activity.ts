/** The cross-cutting views: /v1/active, /v1/history, /v1/stats, and the bulk reset of stuck work. */
import { Router } from 'express';
import { StuckResetBody } from '../protocol/index.js';
import { activeTasks, history, stats } from '../engine/queries.js';
import type { Tracker } from '../engine/tracker.js';
import { parse } from '../middleware/validation.js';
import { HistoryQuery } from './queryParams.js';
import { respond } from './respond.js';

/** Counters other parts of the daemon add to `/v1/stats` (the inbox's ingested and invalid lines, for one). */
export type StatsExtension = () => Record<string, unknown>;

export function activityRouter(tracker: Tracker, extraStats: StatsExtension[]): Router {
  const router = Router();

  router.get('/active', (_req, res) => {
    res.json({ items: activeTasks(tracker.state) });
  });

  router.get('/history', (req, res) => {
    const q = parse(HistoryQuery, req.query, 'query');
    res.json(
      history(tracker.state, {
        limit: q.limit,
        offset: q.offset,
        states: q.state,
        agentId: q.agentId,
        jobType: q.jobType,
        since: q.since,
      }),
    );
  });

  router.get('/stats', (_req, res) => {
    res.json(Object.assign(stats(tracker.state), ...extraStats.map((extra) => extra())));
  });

  router.post('/stuck/reset', async (req, res) => {
    const body = parse(StuckResetBody, req.body);
    await respond(tracker, req, res, 'user', (ctx) => tracker.resetStuck(body, ctx));
  });

  return router;
}
