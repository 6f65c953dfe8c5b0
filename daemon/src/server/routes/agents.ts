/** /v1/agents: heartbeat (registers on first call), list, reset, next. */
import { agentActor } from '../../engine/context.js';
import { listAgents } from '../../engine/queries.js';
import type { Tracker } from '../../engine/tracker.js';
import type { Handlers } from './handlers.js';
import { respond } from './respond.js';

export function agentHandlers(tracker: Tracker): Pick<Handlers, 'listAgents' | 'heartbeatAgent' | 'resetAgent' | 'nextTask'> {
  return {
    listAgents: (_req, res) => {
      res.json({ items: listAgents(tracker.state) });
    },

    heartbeatAgent: async (req, res, { params: { id }, body }) => {
      await respond(tracker, req, res, agentActor(id), (ctx) => tracker.heartbeatAgent(id, body, ctx));
    },

    resetAgent: async (req, res, { params: { id }, body }) => {
      await respond(tracker, req, res, 'user', (ctx) => tracker.resetAgent(id, body, ctx));
    },

    nextTask: async (req, res, { params: { id }, body }) => {
      await respond(tracker, req, res, agentActor(id), (ctx) => tracker.next(id, body, ctx));
    },
  };
}
