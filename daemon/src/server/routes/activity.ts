/** The cross-cutting views: /v1/active, /v1/history, /v1/stats, and the bulk reset of stuck work. */
import { activeTasks, history, stats } from '../../engine/queries.js';
import type { Tracker } from '../../engine/tracker.js';
import type { Handlers } from './handlers.js';
import { respond } from './respond.js';

/** Counters other parts of the daemon add to `/v1/stats` (the inbox's ingested and invalid lines, for one). */
export type StatsExtension = () => Record<string, unknown>;

export function activityHandlers(
  tracker: Tracker,
  extraStats: StatsExtension[],
): Pick<Handlers, 'activeTasks' | 'history' | 'stats' | 'resetStuck'> {
  return {
    activeTasks: (_req, res) => {
      res.json({ items: activeTasks(tracker.state) });
    },

    history: (_req, res, { query }) => {
      res.json(history(tracker.state, query));
    },

    stats: (_req, res) => {
      res.json(Object.assign(stats(tracker.state), ...extraStats.map((extra) => extra())));
    },

    resetStuck: async (req, res, { body }) => {
      await respond(tracker, req, res, 'user', (ctx) => tracker.resetStuck(body, ctx));
    },
  };
}
