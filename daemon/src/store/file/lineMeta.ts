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

/** Lines longer than this are read from their ends only: the head holds the seq and type, the tail the ids. */
const HEAD_BYTES = 160;
const TAIL_BYTES = 600;

/**
 * The same, read from the line's bytes without decoding the middle of a long line; undefined when the ends do not
 * settle it (the caller then decodes the whole line).
 */
export function eventMetaInBytes(bytes: Buffer, start: number, end: number): EventMeta | null | undefined {
  if (end - start <= HEAD_BYTES + TAIL_BYTES) return eventMeta(bytes.toString('utf8', start, end));
  // A cut through a multi-byte character turns into U+FFFD, outside the parts read here.
  const head = bytes.toString('utf8', start, start + HEAD_BYTES);
  if (!head.startsWith(SEQ_PREFIX)) return undefined;
  const seq = Number(head.slice(SEQ_PREFIX.length, head.indexOf(',', SEQ_PREFIX.length)));
  const typeAt = head.indexOf(TYPE_KEY);
  const typeEnd = typeAt < 0 ? -1 : head.indexOf('"', typeAt + TYPE_KEY.length);
  if (!Number.isInteger(seq) || typeEnd < 0) return undefined;
  const tail = bytes.toString('utf8', end - TAIL_BYTES, end);
  const taskAt = tail.lastIndexOf(TASK_KEY);
  const match = taskAt < 0 ? null : TAIL.exec(tail.slice(taskAt));
  if (!match) return undefined;
  const raw = match[1] as string;
  return { seq, type: head.slice(typeAt + TYPE_KEY.length, typeEnd), taskId: raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw };
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
