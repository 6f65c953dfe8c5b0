/** GET /healthz: the one route without a token, for "is it up?" checks; `ok` is the store's health. */
import type { Tracker } from '../../engine/tracker.js';
import type { Handlers } from './handlers.js';

export function healthHandlers(tracker: Tracker, version: string): Pick<Handlers, 'health'> {
  return {
    health: async (_req, res) => {
      const { kind, ok, message, clockSkewMs } = await tracker.store.health();
      const store = message === undefined ? { kind, ok } : { kind, ok, message };
      res.json({ ok, version, seq: tracker.store.durableSeq, store, ...(clockSkewMs === undefined ? {} : { clockSkewMs }) });
    },
  };
}
