/** /v1/agents: heartbeat (registers on first call), list, reset, next. */
import { Router } from 'express';
import { AgentHeartbeatBody, NextBody, ResetBody } from '../protocol/index.js';
import { agentActor } from '../engine/context.js';
import { listAgents } from '../engine/queries.js';
import type { Tracker } from '../engine/tracker.js';
import { parse } from '../middleware/validation.js';
import { IdParam } from './queryParams.js';
import { respond } from './respond.js';

export function agentsRouter(tracker: Tracker): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    res.json({ items: listAgents(tracker.state) });
  });

  router.post('/:id/heartbeat', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const body = parse(AgentHeartbeatBody, req.body ?? {});
    await respond(tracker, req, res, agentActor(id), (ctx) => tracker.heartbeatAgent(id, body, ctx));
  });

  router.post('/:id/reset', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const body = parse(ResetBody, req.body);
    await respond(tracker, req, res, 'user', (ctx) => tracker.resetAgent(id, body, ctx));
  });

  router.post('/:id/next', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const body = parse(NextBody, req.body ?? {});
    await respond(tracker, req, res, agentActor(id), (ctx) => tracker.next(id, body, ctx));
  });

  return router;
}
