/** zod at the boundary: a failed parse becomes 400 `validation_failed` naming each failing field. */
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { checkNesting, TrackerError } from '../protocol/index.js';

/** The nesting bound on every parsed body, before any route sees it (400 `validation_failed`). */
export function boundedNesting(req: Request, _res: Response, next: NextFunction): void {
  if (typeof req.body === 'object' && req.body !== null) checkNesting(req.body);
  next();
}

export function parse<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.join('.') : what,
    message: issue.message,
  }));
  throw new TrackerError('validation_failed', `invalid ${what}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
}
