/**
 * Strings every store keeps: PostgreSQL refuses U+0000 in text and jsonb, and a lone UTF-16 surrogate (half of a pair)
 * is not Unicode at all, so neither may reach any store. Whatever comes in with one is refused at the edge (400
 * `validation_failed`, naming the field), except agents' own hook payloads, whose text is cleaned
 * (engine/activity/hookPayloads.ts).
 */
import { TrackerError } from './errors.js';

/** U+0000, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNKEPT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNKEPT_ALL = new RegExp(UNKEPT.source, 'g');
/**
 * The same in JSON text as JSON.stringify writes it: NUL and lone surrogates are written as `\u` escapes (a pair is
 * written as itself), so an escape preceded by an even number of backslashes is one of them.
 */
const UNKEPT_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/;

/** What a string that no store keeps is told. */
export const UNKEPT_STRING_MESSAGE = 'contains U+0000 or a lone UTF-16 surrogate, which no store keeps';

/** Any NUL or surrogate at all: one scan of a plain character class, so that the common string costs no more. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

export function isKeptString(value: string): boolean {
  return !SUSPECT.test(value) || !UNKEPT.test(value);
}

/** The string with each NUL and lone surrogate replaced by U+FFFD (the replacement character). */
export function keptString(value: string): string {
  return UNKEPT.test(value) ? value.replace(UNKEPT_ALL, '\uFFFD') : value;
}

/** Whether JSON text (as JSON.stringify wrote it) holds a string no store keeps. */
export function encodesUnkeptString(json: string): boolean {
  return UNKEPT_ESCAPE.test(json);
}

/**
 * The path (`a.b.0.c`) of the first string, key or value, that no store keeps, or null. Walks without recursion, like
 * the nesting bound, so that it is safe on any parsed JSON; a path is spelled only for the string it finds (an OTLP
 * export holds tens of thousands of values, and spelling each one's path was most of the walk).
 */
export function findUnkeptString(value: unknown): string | null {
  if (typeof value === 'string') return isKeptString(value) ? null : '';
  if (typeof value !== 'object' || value === null) return null;
  const stack: Place[] = [{ value, key: '', parent: undefined }];
  for (let place = stack.pop(); place; place = stack.pop()) {
    const container = place.value;
    if (Array.isArray(container)) {
      for (let index = 0; index < container.length; index++) {
        const child: unknown = container[index];
        if (typeof child === 'string' && !isKeptString(child)) return pathOf(place, index);
        if (typeof child === 'object' && child !== null) stack.push({ value: child, key: index, parent: place });
      }
      continue;
    }
    const record = container as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!isKeptString(key)) return pathOf(place, key);
      const child = record[key];
      if (typeof child === 'string' && !isKeptString(child)) return pathOf(place, key);
      if (typeof child === 'object' && child !== null) stack.push({ value: child, key, parent: place });
    }
  }
  return null;
}

/** A container met on the walk, where it was met: its key in its parent (the root has none). */
interface Place {
  value: object;
  key: string | number;
  parent: Place | undefined;
}

function pathOf(place: Place, key: string | number): string {
  const keys: (string | number)[] = [key];
  for (let at: Place | undefined = place; at?.parent; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

/** Throws 400 `validation_failed` naming the first string in `value` that no store keeps. */
export function checkKeptStrings(value: unknown, what = 'body'): void {
  const path = findUnkeptString(value);
  if (path === null) return;
  const where = path === '' ? what : path;
  throw new TrackerError('validation_failed', `invalid ${what}: ${where} ${UNKEPT_STRING_MESSAGE}`, [
    { path: where, message: UNKEPT_STRING_MESSAGE },
  ]);
}

/**
 * A copy of parsed JSON with every string, key or value, made one that stores keep (see keptString); the value itself
 * when it holds none. Its depth is bounded before it gets here (MAX_JSON_DEPTH), so recursion is safe.
 */
export function keepStrings<T>(value: T): T {
  if (findUnkeptString(value) === null) return value;
  return clean(value) as T;
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return keptString(value);
  if (Array.isArray(value)) return value.map(clean);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    // A defined property, so that a key such as `__proto__` stays a plain key of the copy.
    Object.defineProperty(out, keptString(key), { value: clean(child), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
