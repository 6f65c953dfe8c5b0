/**
 * The one backup format every store writes and reads, so a backup moves a registry between stores.
 *
 * A backup is the registry as of one durable seq: every event of the feed up to that seq (in seq order), the tasks and
 * agents as they stood then (they carry what heartbeats renew without events: leases, `lastSeenAt`), and what recovery
 * needs besides: idempotency records and inbox cursors. It is JSON Lines, written and read a line at a time:
 *
 *   {"format":"agent-tracker-backup","version":1,"seq":N,"createdAt":...,"counts":{...}}
 *   {"event":{...}} ... {"task":{...}} ... {"agent":{...}} ... {"idempotency":{...}} ... {"inbox":{...}} ...
 *   {"end":N}
 *
 * The header's counts and the closing line tell a complete file from a cut one; a reader refuses anything else.
 */
import { z } from 'zod';
import { EventSchema, Id, TaskStateSchema, type Agent, type Task, type TrackerEvent } from '../protocol/index.js';
import { readLines } from './file/journal.js';
import type { IdempotencyRecord, InboxCursor } from './store.js';

export const BACKUP_FORMAT = 'agent-tracker-backup';
export const BACKUP_VERSION = 1;

/** A registry captured at one seq: what a store hands out for a backup and what it takes back on restore. */
export interface BackupImage {
  seq: number;
  events: readonly TrackerEvent[];
  tasks: readonly Task[];
  agents: readonly Agent[];
  idempotency: readonly IdempotencyRecord[];
  inbox: readonly InboxCursor[];
}

const Counts = z.strictObject({
  events: z.int().min(0),
  tasks: z.int().min(0),
  agents: z.int().min(0),
  idempotency: z.int().min(0),
  inbox: z.int().min(0),
});
type Counts = z.infer<typeof Counts>;

const Header = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  seq: z.int().min(0),
  createdAt: z.string(),
  counts: Counts,
});

const IdempotencyRecordSchema = z.object({
  key: z.string().min(1),
  hash: z.string(),
  status: z.int(),
  body: z.unknown(),
  at: z.string(),
});

const InboxCursorSchema = z.object({
  file: z.string().min(1),
  identity: z.string(),
  offset: z.int().min(0),
  rev: z.int().min(0),
});

// Tasks and agents are checked for what a store indexes them by and otherwise kept as written: a backup taken by a
// newer daemon may carry fields this one does not know yet, and a restore must not drop them.
const StoredTask = z.looseObject({ id: Id, state: TaskStateSchema, version: z.int().min(1) });
const StoredAgent = z.looseObject({ id: Id });

const Entry = z.union([
  z.strictObject({ event: EventSchema }),
  z.strictObject({ task: StoredTask }),
  z.strictObject({ agent: StoredAgent }),
  z.strictObject({ idempotency: IdempotencyRecordSchema }),
  z.strictObject({ inbox: InboxCursorSchema }),
  z.strictObject({ end: z.int().min(0) }),
]);

export class BackupFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFormatError';
  }
}

const LINES_PER_SLICE = 1000;

/**
 * The backup's lines, a slice at a time: `write` gets each slice's text (and may return a promise, e.g. to wait for a
 * socket to drain); between slices the event loop runs, so a large registry never stalls the daemon's requests.
 */
export async function writeBackup(image: BackupImage, write: (chunk: string) => unknown, now: string): Promise<void> {
  const counts: Counts = {
    events: image.events.length,
    tasks: image.tasks.length,
    agents: image.agents.length,
    idempotency: image.idempotency.length,
    inbox: image.inbox.length,
  };
  await write(`${JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_VERSION, seq: image.seq, createdAt: now, counts })}\n`);
  const sections: [keyof Counts, readonly unknown[]][] = [
    ['event', image.events],
    ['task', image.tasks],
    ['agent', image.agents],
    ['idempotency', image.idempotency],
    ['inbox', image.inbox],
  ] as [keyof Counts, readonly unknown[]][];
  for (const [kind, values] of sections) {
    for (let start = 0; start < values.length; start += LINES_PER_SLICE) {
      const slice = values.slice(start, start + LINES_PER_SLICE);
      await write(slice.map((value) => `{${JSON.stringify(kind)}:${JSON.stringify(value)}}\n`).join(''));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await write(`{"end":${image.seq}}\n`);
}

/** Reads and checks a whole backup file; throws BackupFormatError naming the first line that is wrong. */
export function readBackup(path: string): BackupImage {
  const lines = readLines(path);
  const first = lines.next();
  if (first.done) throw new BackupFormatError(`${path} is empty: not a backup`);
  const header = Header.safeParse(parseLine(first.value, path, 1));
  if (!header.success) throw new BackupFormatError(`${path} is not an agent-tracker backup (version ${BACKUP_VERSION})`);
  const { seq, counts } = header.data;
  const image = { seq, events: [] as TrackerEvent[], tasks: [] as Task[], agents: [] as Agent[], idempotency: [] as IdempotencyRecord[], inbox: [] as InboxCursor[] };
  let lineNo = 1;
  let ended = false;
  for (const line of lines) {
    lineNo++;
    if (ended) throw new BackupFormatError(`${path} line ${lineNo}: data after the end of the backup`);
    const entry = Entry.safeParse(parseLine(line, path, lineNo));
    if (!entry.success) throw new BackupFormatError(`${path} line ${lineNo}: ${entry.error.issues[0]?.message ?? 'not a backup entry'}`);
    const value = entry.data;
    if ('end' in value) {
      if (value.end !== seq) throw new BackupFormatError(`${path} line ${lineNo}: ends at seq ${value.end}, the header says ${seq}`);
      ended = true;
    } else if ('event' in value) {
      const last = image.events.at(-1)?.seq ?? 0;
      if (value.event.seq <= last || value.event.seq > seq) {
        throw new BackupFormatError(`${path} line ${lineNo}: event seq ${value.event.seq} is out of order (after ${last}, up to ${seq})`);
      }
      image.events.push(value.event);
    } else if ('task' in value) image.tasks.push(value.task as Task);
    else if ('agent' in value) image.agents.push(value.agent as Agent);
    else if ('idempotency' in value) image.idempotency.push(value.idempotency);
    else image.inbox.push(value.inbox);
  }
  if (!ended) throw new BackupFormatError(`${path} is cut short: its last line is not the end of the backup`);
  for (const kind of ['events', 'tasks', 'agents', 'idempotency', 'inbox'] as const) {
    if (image[kind].length !== counts[kind]) {
      throw new BackupFormatError(`${path} holds ${image[kind].length} ${kind}, its header says ${counts[kind]}`);
    }
  }
  return image;
}

function parseLine(line: string, path: string, lineNo: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new BackupFormatError(`${path} line ${lineNo} is not JSON`);
  }
}
