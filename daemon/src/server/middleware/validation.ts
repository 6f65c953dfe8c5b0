/** Validation at the HTTP boundary: the nesting bound on every parsed body. */
import type { NextFunction, Request, Response } from 'express';
import { checkNesting } from '../../protocol/index.js';

/** The nesting bound on every parsed body, before any route sees it (400 `validation_failed`). */
export function boundedNesting(req: Request, _res: Response, next: NextFunction): void {
  if (typeof req.body === 'object' && req.body !== null) checkNesting(req.body);
  next();
}
