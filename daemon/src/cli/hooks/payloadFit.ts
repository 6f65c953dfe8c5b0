/**
 * Making a hook payload fit what the daemon takes in one request or one inbox line (`MAX_BODY_BYTES`, 1 MiB), without
 * losing the event. The forwarder reads up to 16 MiB; a payload over the daemon's limit (a tool output, a file's
 * content, a pasted prompt) keeps every field, with its longest strings cut short until it fits, and is marked
 * `truncated: true`. A payload that was itself cut (over 16 MiB, or the agent stopped writing before the deadline)
 * keeps the fields complete before the cut (the ids, the event name, the cwd come first) and the start of the one it
 * was cut in. The daemon keeps at most 64 KiB of any text anyway, so what is cut is never what it would have shown.
 *
 * Pure and node-builtin only (bundled into the forwarder).
 */

export interface FittedPayload {
  /** The body to send: the payload as the agent wrote it when it fits, else the fitted JSON. */
  text: string;
  /** The payload as a value for the inbox line; undefined when it is not a JSON object. */
  value?: Record<string, unknown>;
  truncated: boolean;
}

/** The longest string kept when cutting starts; halved until the payload fits. */
const FIRST_CAP_CHARS = 256 * 1024;
const LAST_CAP_CHARS = 64;
/** A top-level field kept when only the top level fits (last resort). */
const FALLBACK_CAP_CHARS = 1024;

/**
 * `raw`: the text read; `cut`: whether it is only the start of the payload; `parsed`: its value when already parsed;
 * `budget`: the most bytes the result may take.
 */
export function fitPayload(raw: string, cut: boolean, budget: number, parsed?: unknown): FittedPayload {
  if (!cut && byteLength(raw) <= budget) {
    const value = parsed ?? parseLoose(raw);
    return { text: raw, ...(isObject(value) ? { value } : {}), truncated: false };
  }
  const whole = cut ? undefined : (parsed ?? parseLoose(raw));
  const value = isObject(whole) ? whole : raw.trimStart().startsWith('{') ? salvageObject(raw) : undefined;
  if (value === undefined) {
    // Not JSON: the daemon counts it as unreadable; its start is enough for that.
    const text = cutToBytes(raw, budget);
    return { text, truncated: true };
  }
  const fitted = shrink(value, budget);
  return { text: JSON.stringify(fitted), value: fitted, truncated: true };
}

/** The value with `truncated: true`, strings cut shorter and shorter until it fits; the top level alone at worst. */
function shrink(value: Record<string, unknown>, budget: number): Record<string, unknown> {
  const marked = { ...value, truncated: true };
  if (byteLength(JSON.stringify(marked)) <= budget) return marked;
  for (let cap = FIRST_CAP_CHARS; cap >= LAST_CAP_CHARS; cap = Math.floor(cap / 2)) {
    const text = JSON.stringify(marked, (_key, v: unknown) => (typeof v === 'string' && v.length > cap ? cutString(v, cap) : v));
    if (byteLength(text) <= budget) return JSON.parse(text) as Record<string, unknown>;
  }
  // Nested structure too large even with short strings (a huge array): keep the top level's scalar fields.
  const out: Record<string, unknown> = { truncated: true };
  let size = byteLength(JSON.stringify(out));
  for (const [key, v] of Object.entries(value)) {
    if (key.length > FALLBACK_CAP_CHARS || (typeof v === 'object' && v !== null)) continue;
    const kept = typeof v === 'string' ? cutString(v, FALLBACK_CAP_CHARS) : v;
    const more = byteLength(JSON.stringify({ [key]: kept })) - 1;
    if (size + more > budget) break;
    out[key] = kept;
    size += more;
  }
  return out;
}

/**
 * The fields of a JSON object's start that are complete, plus the start of a string it was cut in. Walks the top level
 * only; nested values are kept when they end before the cut.
 */
export function salvageObject(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let i = skipSpace(text, 0);
  if (text[i] === '\ufeff') i = skipSpace(text, i + 1);
  if (text[i] !== '{') return out;
  i = skipSpace(text, i + 1);
  while (i < text.length && text[i] === '"') {
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0) break;
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    if (text[i] !== ':') break;
    i = skipSpace(text, i + 1);
    const end = valueEnd(text, i);
    if (end < 0) {
      if (text[i] === '"') out[key] = partialString(text.slice(i + 1));
      break;
    }
    try {
      out[key] = JSON.parse(text.slice(i, end));
    } catch {
      break;
    }
    i = skipSpace(text, end);
    if (text[i] !== ',') break;
    i = skipSpace(text, i + 1);
  }
  return out;
}

/** Index just past the string starting at `start` (a quote), or -1 when it does not end. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1;
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Index just past the value starting at `start`, or -1 when it is cut (or is no JSON value). */
function valueEnd(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return stringEnd(text, start);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        const end = stringEnd(text, i);
        if (end < 0) return -1;
        i = end - 1;
      } else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  const scalar = /^(?:-?[0-9][0-9.eE+-]*|true|false|null)/.exec(text.slice(start, start + 400));
  // A number that reaches the cut may be missing digits.
  if (scalar === null || start + scalar[0].length >= text.length) return -1;
  return start + scalar[0].length;
}

/** The start of a string cut before its closing quote (without a half escape sequence at the cut). */
function partialString(body: string): string {
  for (let drop = 0; drop <= 6 && drop <= body.length; drop++) {
    try {
      return JSON.parse(`"${body.slice(0, body.length - drop)}"`) as string;
    } catch {
      // A cut escape sequence: try a little shorter.
    }
  }
  return '';
}

function cutString(value: string, cap: number): string {
  // Never half a surrogate pair.
  const end = value.charCodeAt(cap - 1) >= 0xd800 && value.charCodeAt(cap - 1) <= 0xdbff ? cap - 1 : cap;
  return value.slice(0, end);
}

function cutToBytes(text: string, budget: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= budget) return text;
  // A cut inside a character becomes U+FFFD (3 bytes): leave room for it.
  return bytes.toString('utf8', 0, Math.max(0, budget - 3));
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

function parseLoose(raw: string): unknown {
  try {
    return JSON.parse(raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
