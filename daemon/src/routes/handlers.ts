/**
 * The Express side of the route table: one handler per operation of `API`, mounted at the table's method and path.
 * A handler missing for a route, or one for a route the table does not have, does not compile.
 */
import { Router, type Request, type Response } from 'express';
import { API, OPERATION_IDS, type OperationId } from '../protocol/index.js';

export type Handler = (req: Request, res: Response) => void | Promise<void>;
export type Handlers = Record<OperationId, Handler>;

export function apiRouter(handlers: Handlers): Router {
  const router = Router();
  for (const id of OPERATION_IDS) {
    const route = API[id];
    router[route.method](route.path.replace('{id}', ':id'), handlers[id]);
  }
  return router;
}
