/**
 * zod at the boundary: a failed parse becomes 400 `validation_failed` naming each failing field, and a value that parses
 * still holds only strings every store keeps (strings.ts). Every edge parses through it: HTTP bodies, queries and
 * paths, batch and inbox commands, OTLP requests.
 */
import type { z } from 'zod';
import { TrackerError } from './errors.js';
import { checkKeptStrings } from './strings.js';

export function parse<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const parsed = parseShape(schema, value, what);
  checkKeptStrings(value, what);
  return parsed;
}

/** The shape alone: for a container whose items are parsed one by one later (a batch, each line on its own). */
export function parseShape<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = describeIssues(result.error, what);
  throw new TrackerError('validation_failed', `invalid ${what}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
}

/** The failing fields of a zod error, as the contract's `details`. */
export function describeIssues(error: z.ZodError, what = 'body'): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.length ? issue.path.join('.') : what, message: issue.message }));
}
