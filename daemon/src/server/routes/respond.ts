/**
 * Sends a command's outcome once it is durable, with the contract's Idempotency-Key semantics on POST: the same key
 * and body replay the first response, the same key with another body is 422.
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { whenSettled, handledElsewhere, TrackerError } from '../../protocol/index.js';
import type { Outcome, RequestContext } from '../../engine/context.js';
import type { Tracker } from '../../engine/tracker.js';
import { StoreConflictError } from '../../store/errors.js';

const MAX_KEY_LENGTH = 200;

/** Requests with a key whose first response is not yet durable: a repeat waits for it rather than running twice. */
const inFlight = new WeakMap<Tracker, Map<string, Promise<unknown>>>();

export async function respond<T>(
  tracker: Tracker,
  req: Request,
  res: Response,
  actor: string,
  run: (ctx: RequestContext) => Outcome<T>,
): Promise<void> {
  const key = req.method === 'POST' ? idempotencyKey(req) : undefined;
  const hash = key === undefined ? '' : requestHash(req);
  if (key) {
    const pending = inFlight.get(tracker)?.get(key);
    if (pending) await whenSettled(pending);
  }
  const done = runUntilCommitted(tracker, run, actor, key === undefined ? undefined : { key: `key:${key}`, hash });
  if (key) {
    let map = inFlight.get(tracker);
    if (!map) inFlight.set(tracker, (map = new Map<string, Promise<unknown>>()));
    map.set(key, done);
    handledElsewhere(done.finally(() => map.delete(key)));
  }
  const { status, body, replayed } = await done;
  send(res, status, body, replayed);
}

/** A shared store refuses a command decided on a view another daemon had already changed: it is decided again. */
const MAX_CONFLICT_RETRIES = 8;

/**
 * Replays the stored response of the key if there is one, else runs the command until a store takes it. After a
 * refusal the key is looked up again: the writer that got there first may have been this very request, sent twice.
 */
async function runUntilCommitted<T>(
  tracker: Tracker,
  run: (ctx: RequestContext) => Outcome<T>,
  actor: string,
  idempotency: RequestContext['idempotency'],
): Promise<{ status: number; body: unknown; replayed: boolean }> {
  for (let attempt = 0; ; attempt++) {
    if (idempotency) {
      const record = tracker.idempotencyRecord(idempotency.key);
      if (record) {
        if (record.hash !== idempotency.hash) {
          throw new TrackerError('idempotency_mismatch', 'this Idempotency-Key was used with a different request');
        }
        return { status: record.status, body: record.body, replayed: true };
      }
    }
    try {
      const outcome = run(idempotency ? { actor, idempotency } : { actor });
      await outcome.durable;
      return { status: outcome.status, body: outcome.body, replayed: false };
    } catch (error) {
      if (!(error instanceof StoreConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      await tracker.store.settle();
    }
  }
}

function send(res: Response, status: number, body: unknown, replayed: boolean): void {
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
  if (status === 204 || body === null) res.status(204).end();
  else res.status(status).json(body);
}

/** `Idempotency-Key`, or the same under its older spelling `X-Idempotency-Key`. */
export function idempotencyKey(req: Request): string | undefined {
  const key = req.headers['idempotency-key'] ?? req.headers['x-idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new TrackerError('validation_failed', `Idempotency-Key must be 1..${MAX_KEY_LENGTH} characters`, [
      { path: 'Idempotency-Key', message: 'invalid' },
    ]);
  }
  return key;
}

function requestHash(req: Request): string {
  return createHash('sha256')
    .update(`${req.method} ${req.path}\n${JSON.stringify(req.body ?? null)}`)
    .digest('base64url');
}

/** `agent:<id>` when the body names the agent acting, else `user`. */
export function actorOf(body: unknown): string {
  const agentId = (body as { agentId?: unknown } | undefined)?.agentId;
  return typeof agentId === 'string' ? `agent:${agentId}` : 'user';
}
