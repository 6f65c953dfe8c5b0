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
