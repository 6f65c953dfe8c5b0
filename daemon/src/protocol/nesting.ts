/**
 * The nesting bound on parsed JSON (MAX_JSON_DEPTH), one check for every way data comes in: HTTP bodies, inbox lines,
 * stream frames, OTLP and MCP payloads. It walks without recursion, so a hostile value cannot overflow the stack here.
 */
import { TrackerError } from './errors.js';
import { MAX_JSON_DEPTH } from './limits.js';

/** A value on the walk's stack: its depth, and how it was reached (the path is spelled out only for a failure). */
interface Frame {
  value: object;
  depth: number;
  parent: Frame | undefined;
  key: string | number;
}

/**
 * The path (`a.b.0.c`) of the first value nested deeper than `limit` objects/arrays, or null when `value` stays within
 * it. A top-level object is depth 1. Every body is walked whole, so the walk allocates no path per value.
 */
export function findTooDeep(value: unknown, limit: number = MAX_JSON_DEPTH): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const stack: Frame[] = [{ value, depth: 1, parent: undefined, key: '' }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (next.depth > limit) return pathOf(next) || '(root)';
    const node = next.value;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: next.depth + 1, parent: next, key: i });
      }
      continue;
    }
    for (const key of Object.keys(node)) {
      const child: unknown = (node as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: next.depth + 1, parent: next, key });
    }
  }
  return null;
}

function pathOf(frame: Frame): string {
  const keys: (string | number)[] = [];
  for (let at: Frame | undefined = frame; at?.parent; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

/** Throws 400 `validation_failed` naming where `value` nests deeper than MAX_JSON_DEPTH. */
export function checkNesting(value: unknown, what = 'body'): void {
  const path = findTooDeep(value);
  if (path === null) return;
  throw new TrackerError('validation_failed', `${what} nests deeper than ${MAX_JSON_DEPTH} levels`, [
    { path: path === '(root)' ? what : path, message: `nested deeper than ${MAX_JSON_DEPTH} objects/arrays` },
  ]);
}
