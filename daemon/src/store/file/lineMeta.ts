/**
 * What the index needs of an event line (its seq, type and task) read without parsing the whole line: the daemon
 * writes events as `{"seq":…,"id":…,"at":…,"type":…,"actor":…,"data":{…},"taskId":…,"agentId":…}`, so the seq and
 * type open the line and the ids close it, after the data. A line of another shape is parsed in full.
 */

export interface EventMeta {
  seq: number;
  type: string;
  taskId: string | undefined;
}

const SEQ_PREFIX = '{"seq":';
const TYPE_KEY = '"type":"';
const TASK_KEY = '},"taskId":"';
/** The end of an event line after its data: the task id, then perhaps the agent id (JSON strings, escapes allowed). */
const TAIL = /^\},"taskId":"((?:[^"\\]|\\.)*)"(?:,"agentId":"(?:[^"\\]|\\.)*")?\}$/;

/** The event's seq, type and task, or null for a line that holds no event (bookkeeping, commit markers). */
export function eventMeta(line: string): EventMeta | null {
  if (!line.startsWith(SEQ_PREFIX)) return line.startsWith('{"') && !line.includes('"seq":') ? null : parsed(line);
  const comma = line.indexOf(',', SEQ_PREFIX.length);
  const seq = Number(line.slice(SEQ_PREFIX.length, comma));
  const typeAt = line.indexOf(TYPE_KEY);
  if (!Number.isInteger(seq) || typeAt < 0) return parsed(line);
  const type = line.slice(typeAt + TYPE_KEY.length, line.indexOf('"', typeAt + TYPE_KEY.length));
  const taskAt = line.lastIndexOf(TASK_KEY);
  if (taskAt >= 0) {
    const tail = TAIL.exec(line.slice(taskAt));
    if (tail) {
      const raw = tail[1] as string;
      return { seq, type, taskId: raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw };
    }
  }
  // No task id where the daemon puts it: an event of no task, unless the line is of another shape.
  return line.includes('"taskId"') ? parsed(line) : { seq, type, taskId: undefined };
}

const SEQ_PREFIX_BYTES = Buffer.from(SEQ_PREFIX);
const TYPE_KEY_BYTES = Buffer.from(TYPE_KEY);
/** What precedes a task id that closes the line, up to its opening quote (excluded). */
const TASK_KEY_BYTES = Buffer.from('},"taskId":');
const AGENT_KEY_BYTES = Buffer.from(',"agentId":');
const TASK_ANYWHERE_BYTES = Buffer.from('"taskId"');
const COMMIT_PREFIX_BYTES = Buffer.from('{"commit":');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const ZERO = 0x30;
/** The type opens the line: it is looked for this far in only. */
const HEAD_BYTES = 160;

/**
 * The same, read from the line's bytes with plain loops (a start-up scan does this for every line of the log, so no
 * line is decoded and no string is made but those `strings` has not seen yet). Undefined when the bytes do not settle
 * it (an escaped id, a line of another shape): the caller then decodes the whole line.
 */
export function eventMetaInBytes(bytes: Buffer, start: number, end: number, strings: ByteStrings = new ByteStrings()): EventMeta | null | undefined {
  if (!matchesAt(bytes, start, end, SEQ_PREFIX_BYTES)) return matchesAt(bytes, start, end, COMMIT_PREFIX_BYTES) ? null : undefined;
  let seq = 0;
  let at = start + SEQ_PREFIX_BYTES.length;
  const digitsFrom = at;
  for (; at < end && at - digitsFrom < 16; at++) {
    const digit = (bytes[at] as number) - ZERO;
    if (digit < 0 || digit > 9) break;
    seq = seq * 10 + digit;
  }
  if (at === digitsFrom || bytes[at] !== COMMA) return undefined;
  const headEnd = Math.min(end, start + HEAD_BYTES);
  while (at < headEnd && !(bytes[at] === QUOTE && matchesAt(bytes, at, end, TYPE_KEY_BYTES))) at++;
  if (at >= headEnd) return undefined;
  const typeStart = at + TYPE_KEY_BYTES.length;
  const typeEnd = plainStringEnd(bytes, typeStart, end);
  if (typeEnd < 0) return undefined;
  const type = strings.get(bytes, typeStart, typeEnd);
  // The line ends with `},"taskId":"<id>"}` or `},"taskId":"<id>","agentId":"<id>"}` (see TAIL), read backwards.
  if (bytes[end - 1] === CLOSE_BRACE && bytes[end - 2] === QUOTE) {
    let open = openingQuote(bytes, end - 2, start);
    if (open > start && matchesBefore(bytes, open, start, AGENT_KEY_BYTES) && bytes[open - AGENT_KEY_BYTES.length - 1] === QUOTE) {
      const idEnd = open - AGENT_KEY_BYTES.length - 1;
      open = openingQuote(bytes, idEnd, start);
      if (open > start && matchesBefore(bytes, open, start, TASK_KEY_BYTES)) return { seq, type, taskId: strings.get(bytes, open + 1, idEnd) };
    } else if (open > start && matchesBefore(bytes, open, start, TASK_KEY_BYTES)) {
      return { seq, type, taskId: strings.get(bytes, open + 1, end - 2) };
    }
  }
  // No task id where the daemon puts it: an event of no task, unless the line is of another shape.
  const anywhere = bytes.indexOf(TASK_ANYWHERE_BYTES, start);
  return anywhere >= 0 && anywhere < end ? undefined : { seq, type, taskId: undefined };
}

/**
 * The strings a scan meets again and again (types, task ids), made once: keyed by a hash of their bytes and checked
 * byte for byte, so a line whose strings were seen before costs no decoding and no allocation.
 */
export class ByteStrings {
  private readonly known = new Map<number, { bytes: Buffer; text: string }[]>();

  get(bytes: Buffer, start: number, end: number): string {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
    let candidates = this.known.get(hash);
    if (candidates) {
      for (const candidate of candidates) if (sameBytes(candidate.bytes, bytes, start, end)) return candidate.text;
    } else this.known.set(hash, (candidates = []));
    const text = bytes.toString('utf8', start, end);
    candidates.push({ bytes: Buffer.from(bytes.subarray(start, end)), text });
    return text;
  }
}

function sameBytes(known: Buffer, bytes: Buffer, start: number, end: number): boolean {
  if (known.length !== end - start) return false;
  for (let i = 0; i < known.length; i++) if (known[i] !== bytes[start + i]) return false;
  return true;
}

function matchesAt(bytes: Buffer, at: number, end: number, expected: Buffer): boolean {
  if (end - at < expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

/** Whether the bytes just before `at` (and not before `start`) are `expected`. */
function matchesBefore(bytes: Buffer, at: number, start: number, expected: Buffer): boolean {
  return at - expected.length >= start && matchesAt(bytes, at - expected.length, at, expected);
}

/** The closing quote of a JSON string starting at `from` that holds no escape, or -1 (an escape: decode the line). */
function plainStringEnd(bytes: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte === QUOTE) return i;
    if (byte === BACKSLASH) return -1;
  }
  return -1;
}

/** The opening quote of the string whose closing quote is at `close`, or -1 when it holds an escape. */
function openingQuote(bytes: Buffer, close: number, start: number): number {
  for (let i = close - 1; i >= start; i--) {
    const byte = bytes[i] as number;
    if (byte === QUOTE) return i;
    if (byte === BACKSLASH) return -1;
  }
  return -1;
}

function parsed(line: string): EventMeta | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const event = value as { seq?: unknown; type?: unknown; taskId?: unknown };
  if (typeof event !== 'object' || event === null || typeof event.seq !== 'number') return null;
  return {
    seq: event.seq,
    type: typeof event.type === 'string' ? event.type : '',
    taskId: typeof event.taskId === 'string' ? event.taskId : undefined,
  };
}
