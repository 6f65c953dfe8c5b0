/** /v1/tasks: create, list, read, update, transition, claim, heartbeat, reset, events and replay. */
import { Router } from 'express';
import {
  ClaimBody,
  CreateTaskBody,
  PatchTaskBody,
  ResetBody,
  TaskHeartbeatBody,
  TrackerError,
  TransitionBody,
} from '../protocol/index.js';
import { listTasks, replay, taskEvents } from '../engine/queries.js';
import type { Tracker } from '../engine/tracker.js';
import { requireTask } from '../engine/guards.js';
import { parse } from '../middleware/validation.js';
import { FeedQuery, IdParam, TaskListQuery } from './queryParams.js';
import { actorOf, respond } from './respond.js';

export function tasksRouter(tracker: Tracker): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = parse(CreateTaskBody, req.body);
    await respond(tracker, req, res, actorOf(body), (ctx) => tracker.createTask(body, ctx));
  });

  router.get('/', (req, res) => {
    const q = parse(TaskListQuery, req.query, 'query');
    const filter = {
      states: q.state,
      agentId: q.agentId,
      tag: q.tag,
      parentId: q.parentId,
      requestId: q.requestId,
      stuck: q.stuck,
      q: q.q,
    };
    res.json(listTasks(tracker.state, filter, q.limit, q.cursor));
  });

  router.get('/:id', (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    requireTask(tracker.state, id);
    const task = tracker.present(id);
    res.setHeader('ETag', `"${task.version}"`).json(task);
  });

  router.patch('/:id', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const body = parse(PatchTaskBody, req.body);
    const ifMatch = parseIfMatch(req.headers['if-match']);
    await respond(tracker, req, res, actorOf(body), (ctx) => tracker.patchTask(id, body, ifMatch, ctx));
  });

  router.post('/:id/transition', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const body = parse(TransitionBody, req.body);
    await respond(tracker, req, res, actorOf(body), (ctx) => tracker.transition(id, body, ctx));
  });

  router.post('/:id/claim', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const body = parse(ClaimBody, req.body);
    await respond(tracker, req, res, actorOf(body), (ctx) => tracker.claim(id, body, ctx));
  });

  router.post('/:id/heartbeat', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const body = parse(TaskHeartbeatBody, req.body);
    await respond(tracker, req, res, actorOf(body), (ctx) => tracker.heartbeatTask(id, body, ctx));
  });

  router.post('/:id/reset', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const body = parse(ResetBody, req.body);
    await respond(tracker, req, res, 'user', (ctx) => tracker.resetTask(id, body, ctx));
  });

  router.get('/:id/events', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const q = parse(FeedQuery, req.query, 'query');
    res.json({ items: await taskEvents(tracker.store, id, q.after, q.limit) });
  });

  router.get('/:id/replay', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    res.json(await replay(tracker.store, id));
  });

  return router;
}

/** `If-Match: 3`, `"3"` or `W/"3"`; anything else is a validation error rather than a silent unconditional write. */
function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) {
    throw new TrackerError('validation_failed', 'If-Match must be the task version', [
      { path: 'If-Match', message: 'expected a version number' },
    ]);
  }
  return Number(match[1]);
}
