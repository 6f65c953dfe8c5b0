/**
 * Read your writes across daemons that share a store: every write's response names the seq of its last event
 * (`X-Agent-Tracker-Seq`), and a read carrying `X-Agent-Tracker-Min-Seq: N` (or `?minSeq=N`) is answered once this
 * daemon's view holds seq N, or 503 `unavailable` after MIN_SEQ_WAIT_MS (the error handler adds Retry-After).
 */
import type { NextFunction, Request, Response } from 'express';
import { lastIfRepeated, TrackerError } from '../../protocol/index.js';
import type { Store } from '../../store/store.js';
import { WriteScope } from '../../store/writeScope.js';

export const SEQ_HEADER = 'X-Agent-Tracker-Seq';
export const MIN_SEQ_HEADER = 'X-Agent-Tracker-Min-Seq';
export const MIN_SEQ_WAIT_MS = 2000;

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The scope the route table runs a write's handler in (see routes/handlers.ts). */
export function writeScopeOf(res: Response): WriteScope | undefined {
  const scope: unknown = res.locals.writeScope;
  return scope instanceof WriteScope ? scope : undefined;
}

/**
 * Sets the header as the response starts: by then the write is durable and numbered. A write that committed nothing
 * (a replay, a refusal, a no-op) names what this daemon had published, which holds whatever it answered from.
 */
export function writeSeqHeader(store: Store) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!WRITES.has(req.method)) return next();
    const scope = new WriteScope();
    res.locals.writeScope = scope;
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      if (!this.headersSent) this.setHeader(SEQ_HEADER, String(scope.lastSeq() ?? store.durableSeq));
      return writeHead(...args);
    } as Response['writeHead'];
    next();
  };
}

export function minSeq(store: Store) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    // `/healthz` answers at once: it says how the daemon is, whatever it holds.
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path === '/healthz') return next();
    const wanted = requestedMinSeq(req);
    if (wanted === undefined) return next();
    store.waitForSeq(wanted, MIN_SEQ_WAIT_MS).then(
      (held) =>
        next(
          held
            ? undefined
            : new TrackerError('unavailable', `this daemon has not caught up with seq ${wanted} yet (it holds ${store.durableSeq}); retry`),
        ),
      next,
    );
  };
}

function requestedMinSeq(req: Request): number | undefined {
  const header = req.headers[MIN_SEQ_HEADER.toLowerCase()];
  const query: unknown = (req.query as Record<string, unknown> | undefined)?.minSeq;
  const raw = header ?? query;
  if (raw === undefined) return undefined;
  const text = lastIfRepeated(raw);
  if (typeof text !== 'string' || !/^\d{1,15}$/.test(text.trim())) {
    const path = header === undefined ? 'minSeq' : MIN_SEQ_HEADER;
    throw new TrackerError('validation_failed', `${path} must be a seq (a whole number >= 0)`, [{ path, message: 'invalid' }]);
  }
  return Number(text.trim());
}
