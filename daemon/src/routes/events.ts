/** /v1/events: the global feed for catch-up, and batch ingest of commands (the same lines as the inbox). */
import { Router } from 'express';
import { z } from 'zod';
import { applyCommand } from '../engine/commands.js';
import type { Tracker } from '../engine/tracker.js';
import { parse } from '../middleware/validation.js';
import { FeedQuery } from './queryParams.js';
import { respond } from './respond.js';

const Batch = z.array(z.unknown()).max(10_000);

export function eventsRouter(tracker: Tracker): Router {
  const router = Router();

  router.get('/', (req, res) => {
    const q = parse(FeedQuery, req.query, 'query');
    res.json({ items: tracker.state.eventsAfter(q.after, q.limit) });
  });

  router.post('/', async (req, res) => {
    const lines = parse(Batch, req.body);
    await respond(tracker, req, res, 'user', () => {
      const applied = lines.map((line) => applyCommand(tracker, line));
      return {
        status: 200,
        body: { results: applied.map((a) => a.result) },
        durable: Promise.all(applied.map((a) => a.durable)).then(() => {}),
      };
    });
  });

  return router;
}
