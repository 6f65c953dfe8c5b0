/** /v1/events: the global feed for catch-up, and batch ingest of commands (the same lines as the inbox). */
import { applyCommand } from '../../engine/activity/commands.js';
import type { HookPayloads } from '../../engine/activity/hookPayloads.js';
import type { Tracker } from '../../engine/tracker.js';
import type { Handlers } from './handlers.js';
import { respond } from './respond.js';

export function eventHandlers(tracker: Tracker, hooks: HookPayloads | undefined): Pick<Handlers, 'listEvents' | 'ingestEvents'> {
  return {
    listEvents: async (_req, res, { query: q }) => {
      // The events' stored JSON goes out as it is: parsing and encoding it again would be the route's whole cost.
      const events = await tracker.store.readFeed(q.after, q.limit);
      res.type('application/json').send(`{"items":[${events.map((event) => event.json).join(',')}]}`);
    },

    ingestEvents: async (req, res, { body: lines }) => {
      // Each line is checked on its own (applyCommand), so that one bad line never refuses the others; the lines that
      // apply, and the batch's own Idempotency-Key record, are one commit.
      await respond(tracker, req, res, 'user', (ctx) => {
        const { value: body, durable } = tracker.store.joinCommits(() => {
          const results = { results: lines.map((line) => applyCommand(tracker, hooks, line).result) };
          // A retried batch replays these results, even after a crash.
          if (ctx.idempotency) void tracker.record({ idempotency: { ...ctx.idempotency, status: 200, body: results, at: tracker.now() } });
          return results;
        });
        return { status: 200, body, durable };
      });
    },
  };
}
