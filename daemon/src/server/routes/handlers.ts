/**
 * The Express side of the route table: one handler per operation of `API`, mounted at the table's method and path
 * behind the body parser its route calls for. The table parses each route's input once, with the route's own schemas
 * (path, then query, then body: 400 `validation_failed` naming the failing fields), and hands the handler the parsed,
 * typed values. A handler missing for a route, or one for a route the table does not have, does not compile.
 */
import express, { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { API, MAX_BODY_BYTES, OPERATION_IDS, TrackerError, parse, parseShape, type ApiRoute, type OperationId } from '../../protocol/index.js';
import { writeScopeOf } from '../middleware/readYourWrites.js';
import { boundedNesting } from '../middleware/validation.js';
import { runInWriteScope } from '../../store/writeScope.js';

type Parsed<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** What a route's schemas parsed: `undefined` where the route has none (a raw body is the handler's to read). */
export interface RouteInput<R extends ApiRoute = ApiRoute> {
  params: Parsed<R['params']>;
  query: R['query'] extends { schema: infer S } ? Parsed<S> : undefined;
  body: R extends { rawBody: string } ? undefined : Parsed<R['body']>;
}

export type Handler<R extends ApiRoute = ApiRoute> = (req: Request, res: Response, input: RouteInput<R>) => void | Promise<void>;

/** An operation this daemon does not offer (no webhooks, no board...): 404 before its input is looked at. */
export class NotServed {
  constructor(readonly message: string) {}
}

export type Handlers = { [K in OperationId]: Handler<(typeof API)[K]> | NotServed };

type Mounted = (req: Request, res: Response) => void | Promise<void>;

const json = express.json({ limit: MAX_BODY_BYTES, strict: false });
/** A raw body is the handler's to read: an agent's own payload that must never be refused for not being JSON. */
const raw = express.raw({ type: () => true, limit: MAX_BODY_BYTES });

export function apiRouter(handlers: Handlers): Router {
  const router = Router();
  for (const id of OPERATION_IDS) {
    const route: ApiRoute = API[id];
    const handler = handlers[id] as Handler | NotServed;
    const mounted: Mounted =
      handler instanceof NotServed
        ? () => {
            throw new TrackerError('not_found', handler.message);
          }
        : (req, res) => handler(req, res, parseInput(route, req));
    router[route.method](route.path.replace(/\{(\w+)\}/g, ':$1'), ...(route.rawBody ? [raw] : [json, boundedNesting]), inWriteScope(mounted));
  }
  return router;
}

/** The route's input through its schemas, each parsed once; the strings in it are ones every store keeps (parse). */
function parseInput(route: ApiRoute, req: Request): RouteInput {
  const params: unknown = route.params ? parse(route.params, req.params, 'path') : undefined;
  const query: unknown = route.query ? parse(route.query.schema, req.query, 'query') : undefined;
  let body: unknown;
  // A batch's shape only: each line is checked on its own, so that one bad line never refuses the others.
  if (route.body && route.bodyIsArrayOf) body = parseShape(route.body, req.body);
  else if (route.body) body = parse(route.body, route.bodyOptional ? ((req.body as unknown) ?? {}) : req.body);
  return { params, query, body } as RouteInput;
}

/** A write's handler runs in its request's write scope, after the body parsers (whose callbacks lose async context). */
function inWriteScope(handler: Mounted): Mounted {
  return (req, res) => {
    const scope = writeScopeOf(res);
    return scope ? runInWriteScope(scope, () => handler(req, res)) : handler(req, res);
  };
}
