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
import { AgentSchema, EventSchema, TaskSchema, UNKEPT_STRING_MESSAGE, findUnkeptString, type Agent, type Task, type TrackerEvent } from '../protocol/index.js';
import { readLines } from './file/journal.js';
import { isInboxFileName, type IdempotencyRecord, type InboxCursor } from './records.js';

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
  // A plain file name inside inbox/: a cursor naming a path would have the daemon read a file outside its home.
  file: z.string().refine(isInboxFileName, 'must be a .jsonl file name inside inbox/, not a path'),
  identity: z.string(),
  offset: z.int().min(0),
  rev: z.int().min(0),
});

// Tasks and agents are checked against the schema field by field, and fields this daemon does not know yet (a backup
// taken by a newer one) are kept as written: a restore must neither drop them nor write a record the daemon cannot
// serve.
const StoredTask = TaskSchema.loose();
const StoredAgent = AgentSchema.loose();

/** A line after the header: one key, naming what it holds. */
const ENTRIES = {
  event: EventSchema,
  task: StoredTask,
  agent: StoredAgent,
  idempotency: IdempotencyRecordSchema,
  inbox: InboxCursorSchema,
  end: z.int().min(0),
} as const;
type EntryKind = keyof typeof ENTRIES;
type Entry = { [K in EntryKind]: { kind: K; value: z.infer<(typeof ENTRIES)[K]> } }[EntryKind];

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
    const entry = parseEntry(parseLine(line, path, lineNo), `${path} line ${lineNo}`);
    if (entry.kind === 'end') {
      if (entry.value !== seq) throw new BackupFormatError(`${path} line ${lineNo}: ends at seq ${entry.value}, the header says ${seq}`);
      ended = true;
    } else if (entry.kind === 'event') {
      const last = image.events.at(-1)?.seq ?? 0;
      if (entry.value.seq <= last || entry.value.seq > seq) {
        throw new BackupFormatError(`${path} line ${lineNo}: event seq ${entry.value.seq} is out of order (after ${last}, up to ${seq})`);
      }
      image.events.push(entry.value);
    } else if (entry.kind === 'task') image.tasks.push(entry.value);
    else if (entry.kind === 'agent') image.agents.push(entry.value);
    else if (entry.kind === 'idempotency') image.idempotency.push(entry.value);
    else image.inbox.push(entry.value);
  }
  if (!ended) throw new BackupFormatError(`${path} is cut short: its last line is not the end of the backup`);
  for (const kind of ['events', 'tasks', 'agents', 'idempotency', 'inbox'] as const) {
    if (image[kind].length !== counts[kind]) {
      throw new BackupFormatError(`${path} holds ${image[kind].length} ${kind}, its header says ${counts[kind]}`);
    }
  }
  return image;
}

/**
 * One line checked against the schema of what it holds; a refusal names the line, the record (`task "t-1"`, `event seq
 * 12`, `inbox cursor "../x.jsonl"`), the field and the problem.
 */
function parseEntry(raw: unknown, where: string): Entry {
  const keys = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? Object.keys(raw) : [];
  const kind = keys[0];
  if (keys.length !== 1 || kind === undefined || !Object.hasOwn(ENTRIES, kind)) {
    throw new BackupFormatError(`${where}: not a backup entry (one of ${Object.keys(ENTRIES).join(', ')})`);
  }
  const value: unknown = (raw as Record<string, unknown>)[kind];
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const name =
    kind === 'event' ? `event seq ${String(record.seq)}` : kind === 'inbox' ? `inbox cursor ${JSON.stringify(record.file)}` : kind === 'end' ? 'end' : `${kind} ${JSON.stringify(record.id ?? record.key)}`;
  const parsed = ENTRIES[kind as EntryKind].safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackupFormatError(`${where}: ${name}: ${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid'}`);
  }
  const unkept = findUnkeptString(value);
  if (unkept !== null) throw new BackupFormatError(`${where}: ${name}: ${unkept || 'value'} ${UNKEPT_STRING_MESSAGE}`);
  return { kind, value: parsed.data } as Entry;
}

function parseLine(line: string, path: string, lineNo: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new BackupFormatError(`${path} line ${lineNo} is not JSON`);
  }
}
