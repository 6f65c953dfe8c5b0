/** GET /healthz: the one route without a token, for "is it up?" checks; `ok` is the store's health. */
import { Router } from 'express';
import type { Tracker } from '../engine/tracker.js';

export function healthRouter(tracker: Tracker, version: string): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const { kind, ok, message } = await tracker.store.health();
    const store = message === undefined ? { kind, ok } : { kind, ok, message };
    res.json({ ok, version, seq: tracker.store.durableSeq, store });
  });
  return router;
}
