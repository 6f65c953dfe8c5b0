/** POST /v1/history/cleanup: removes finished tasks older than N days now (the daily run does the same). */
import type { CleanupResult } from '../../protocol/index.js';
import type { Retention } from '../../engine/retention.js';
import type { Handlers } from './handlers.js';

export function historyHandlers(retention: Retention): Pick<Handlers, 'cleanupHistory'> {
  return {
    cleanupHistory: async (_req, res, { body }) => {
      const { removed, kept } = await retention.cleanup(body.olderThanDays, 'user');
      res.json({ removed, kept } satisfies CleanupResult);
    },
  };
}
