/** Every failure leaves as the contract's JSON error; nothing else ever reaches a client. */
import type { NextFunction, Request, Response } from 'express';
import { describeError, TrackerError } from '../../protocol/index.js';
import type { Logger } from '../../common/logger.js';
import { StorageError } from '../../store/errors.js';

interface BodyParserError {
  type?: string;
  status?: number;
}

export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new TrackerError('not_found', `no route ${req.method} ${req.path}`));
}

export function errorHandler(log: Logger) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(error);
    const refusal = toTrackerError(error);
    if (!refusal) {
      log.error(`unexpected error: ${describeError(error, { stack: true })}`);
      res.status(500).json({ error: { code: 'internal', message: 'internal error; nothing was recorded' } });
      return;
    }
    // A refusal for now (the store away, a view not caught up): say when to ask again.
    if (refusal.status === 503) res.setHeader('Retry-After', '1');
    res.status(refusal.status).json(refusal.toBody());
  };
}

function toTrackerError(error: unknown): TrackerError | null {
  if (error instanceof TrackerError) return error;
  // The router decodes path parameters; a malformed escape such as `%E0%A4%A` is the client's mistake, not ours.
  if (error instanceof URIError) {
    return new TrackerError('validation_failed', 'the path holds a malformed percent-escape', [
      { path: 'path', message: 'invalid percent-encoding' },
    ]);
  }
  if (error instanceof StorageError) return new TrackerError('unavailable', error.message);
  const parserError = error as BodyParserError;
  if (parserError?.type === 'entity.too.large') return new TrackerError('payload_too_large', 'the body exceeds 1 MiB');
  if (parserError?.type === 'entity.parse.failed') return new TrackerError('validation_failed', 'the body is not valid JSON');
  if (parserError?.type && parserError.status && parserError.status < 500) {
    return new TrackerError('validation_failed', `unreadable body (${parserError.type})`);
  }
  return null;
}
