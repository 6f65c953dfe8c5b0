/**
 * The nesting bound on parsed JSON (MAX_JSON_DEPTH), one check for every way data comes in: HTTP bodies, inbox lines,
 * stream frames, OTLP and MCP payloads. It walks without recursion, so a hostile value cannot overflow the stack here.
 */
import { TrackerError } from './errors.js';
import { MAX_JSON_DEPTH } from './limits.js';

/**
 * The path (`a.b.0.c`) of the first value nested deeper than `limit` objects/arrays, or null when `value` stays within
 * it. A top-level object is depth 1.
 */
export function findTooDeep(value: unknown, limit: number = MAX_JSON_DEPTH): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const stack: { value: object; depth: number; path: string }[] = [{ value, depth: 1, path: '' }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (next.depth > limit) return next.path || '(root)';
    const children = Array.isArray(next.value) ? next.value.entries() : Object.entries(next.value);
    for (const [key, child] of children) {
      if (typeof child === 'object' && child !== null) {
        stack.push({ value: child as object, depth: next.depth + 1, path: next.path ? `${next.path}.${key}` : String(key) });
      }
    }
  }
  return null;
}

/** Throws 400 `validation_failed` naming where `value` nests deeper than MAX_JSON_DEPTH. */
export function checkNesting(value: unknown, what = 'body'): void {
  const path = findTooDeep(value);
  if (path === null) return;
  throw new TrackerError('validation_failed', `${what} nests deeper than ${MAX_JSON_DEPTH} levels`, [
    { path: path === '(root)' ? what : path, message: `nested deeper than ${MAX_JSON_DEPTH} objects/arrays` },
  ]);
}
