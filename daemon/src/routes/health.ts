/** GET /healthz: the one route without a token, for "is it up?" checks. */
import { Router } from 'express';
import type { Tracker } from '../engine/tracker.js';

export function healthRouter(tracker: Tracker, version: string): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true, version, seq: tracker.store.durableSeq });
  });
  return router;
}
