/** /v1/tasks: create, list, read, update, transition, claim, heartbeat, reset, events and replay. */
import { TrackerError } from '../../protocol/index.js';
import { listTasks, replay, taskEvents } from '../../engine/queries.js';
import type { Tracker } from '../../engine/tracker.js';
import { requireTask } from '../../engine/guards.js';
import type { Handlers } from './handlers.js';
import { actorOf, respond } from './respond.js';

type TaskOperations =
  | 'createTask'
  | 'listTasks'
  | 'getTask'
  | 'updateTask'
  | 'transitionTask'
  | 'claimTask'
  | 'heartbeatTask'
  | 'resetTask'
  | 'taskEvents'
  | 'replayTask';

export function taskHandlers(tracker: Tracker): Pick<Handlers, TaskOperations> {
  return {
    createTask: async (req, res, { body }) => {
      const { id, ...fields } = body;
      await respond(tracker, req, res, actorOf(fields), (ctx) => tracker.createTask(id, fields, ctx));
    },

    listTasks: (_req, res, { query }) => {
      res.json(listTasks(tracker.state, query));
    },

    getTask: async (_req, res, { params: { id } }) => {
      // Created through another daemon a moment ago: the database is asked before the answer is 404.
      if (!tracker.state.tasks.has(id)) await tracker.store.lookUpTask(id);
      requireTask(tracker.state, id);
      const task = tracker.present(id);
      res.setHeader('ETag', `"${task.version}"`).json(task);
    },

    updateTask: async (req, res, { params: { id }, body }) => {
      const ifMatch = parseIfMatch(req.headers['if-match']);
      await respond(tracker, req, res, actorOf(body), (ctx) => tracker.patchTask(id, body, ifMatch, ctx));
    },

    transitionTask: async (req, res, { params: { id }, body }) => {
      await respond(tracker, req, res, actorOf(body), (ctx) => tracker.transition(id, body, ctx));
    },

    claimTask: async (req, res, { params: { id }, body }) => {
      await respond(tracker, req, res, actorOf(body), (ctx) => tracker.claim(id, body, ctx));
    },

    heartbeatTask: async (req, res, { params: { id }, body }) => {
      await respond(tracker, req, res, actorOf(body), (ctx) => tracker.heartbeatTask(id, body, ctx));
    },

    resetTask: async (req, res, { params: { id }, body }) => {
      await respond(tracker, req, res, 'user', (ctx) => tracker.resetTask(id, body, ctx));
    },

    taskEvents: async (_req, res, { params: { id }, query }) => {
      res.json({ items: await taskEvents(tracker.store, id, query.after, query.limit) });
    },

    replayTask: async (_req, res, { params: { id } }) => {
      res.json(await replay(tracker.store, id));
    },
  };
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
