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
      // Each line is checked on its own (applyCommand), so that one bad line never refuses the others.
      await respond(tracker, req, res, 'user', (ctx) => {
        const applied = lines.map((line) => applyCommand(tracker, hooks, line));
        const body = { results: applied.map((a) => a.result) };
        // Commands written in one flush share its promise: waiting on each once, not once per command.
        const durable = [...new Set(applied.map((a) => a.durable))];
        if (ctx.idempotency) {
          // Joins the same flush as the commands' events: a retried batch replays these results, even after a crash.
          const record = { ...ctx.idempotency, status: 200, body, at: tracker.now() };
          durable.push(tracker.record({ idempotency: record }));
        }
        return { status: 200, body, durable: Promise.all(durable).then(() => {}) };
      });
    },
  };
}
