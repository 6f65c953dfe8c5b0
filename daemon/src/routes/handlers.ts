/**
 * The Express side of the route table: one handler per operation of `API`, mounted at the table's method and path
 * behind the body parser its route calls for. A handler missing for a route, or one for a route the table does not
 * have, does not compile.
 */
import express, { Router, type Request, type Response } from 'express';
import { API, MAX_BODY_BYTES, OPERATION_IDS, type ApiRoute, type OperationId } from '../protocol/index.js';
import { boundedNesting } from '../middleware/validation.js';

export type Handler = (req: Request, res: Response) => void | Promise<void>;
export type Handlers = Record<OperationId, Handler>;

const json = express.json({ limit: MAX_BODY_BYTES, strict: false });
/** A raw body is the handler's to read: an agent's own payload that must never be refused for not being JSON. */
const raw = express.raw({ type: () => true, limit: MAX_BODY_BYTES });

export function apiRouter(handlers: Handlers): Router {
  const router = Router();
  for (const id of OPERATION_IDS) {
    const route: ApiRoute = API[id];
    router[route.method](route.path.replace(/\{(\w+)\}/g, ':$1'), ...(route.rawBody ? [raw] : [json, boundedNesting]), handlers[id]);
  }
  return router;
}
