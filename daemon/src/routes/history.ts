/** POST /v1/history/cleanup: removes finished tasks older than N days now (the daily run does the same). */
import { Router } from 'express';
import { CleanupBody } from '../protocol/index.js';
import { parse } from '../middleware/validation.js';
import type { Retention } from '../engine/retention.js';

export function historyRouter(retention: Retention): Router {
  const router = Router();
  router.post('/cleanup', async (req, res) => {
    const body = parse(CleanupBody, req.body);
    const { removed, kept } = await retention.cleanup(body.olderThanDays, 'user');
    res.json({ removed, kept });
  });
  return router;
}
