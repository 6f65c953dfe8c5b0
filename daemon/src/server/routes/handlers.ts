/**
 * The Express side of the route table: one handler per operation of `API`, mounted at the table's method and path
 * behind the body parser its route calls for. A handler missing for a route, or one for a route the table does not
 * have, does not compile.
 */
import express, { Router, type Request, type Response } from 'express';
import { API, MAX_BODY_BYTES, OPERATION_IDS, type ApiRoute, type OperationId } from '../../protocol/index.js';
import { writeScopeOf } from '../middleware/readYourWrites.js';
import { boundedNesting } from '../middleware/validation.js';
import { runInWriteScope } from '../../store/writeScope.js';

export type Handler = (req: Request, res: Response) => void | Promise<void>;
export type Handlers = Record<OperationId, Handler>;

const json = express.json({ limit: MAX_BODY_BYTES, strict: false });
/** A raw body is the handler's to read: an agent's own payload that must never be refused for not being JSON. */
const raw = express.raw({ type: () => true, limit: MAX_BODY_BYTES });

export function apiRouter(handlers: Handlers): Router {
  const router = Router();
  for (const id of OPERATION_IDS) {
    const route: ApiRoute = API[id];
    router[route.method](route.path.replace(/\{(\w+)\}/g, ':$1'), ...(route.rawBody ? [raw] : [json, boundedNesting]), inWriteScope(handlers[id]));
  }
  return router;
}

/** A write's handler runs in its request's write scope, after the body parsers (whose callbacks lose async context). */
function inWriteScope(handler: Handler): Handler {
  return (req, res) => {
    const scope = writeScopeOf(res);
    return scope ? runInWriteScope(scope, () => handler(req, res)) : handler(req, res);
  };
}
