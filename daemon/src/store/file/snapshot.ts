/**
 * `registry.json`, the lowdb snapshot of the registry. It only saves replay time: the event log is the truth, so the
 * snapshot is written now and then (coalesced), never once per event, and always describes a durable point of the log.
 */
import { existsSync } from 'node:fs';
import { chmod, open, rename, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { describeError, TASK_STATES, type Agent, type Task } from '../../protocol/index.js';
import type { IdempotencyRecord, InboxCursor } from '../records.js';
import { encodeStrings } from './utf8.js';

export const REGISTRY_SCHEMA_VERSION = 1;

export interface RegistryData {
  meta: { seq: number; savedAt: string; schemaVersion: number };
  tasks: Record<string, Task>;
  agents: Record<string, Agent>;
  idempotency: Record<string, IdempotencyRecord>;
  inbox: Record<string, InboxCursor>;
}

/** The registry as of one durable seq: immutable values captured at one instant, serialized afterwards. */
export interface RegistryContent {
  meta: RegistryData['meta'];
  tasks: readonly Task[];
  agents: readonly Agent[];
  idempotency: readonly IdempotencyRecord[];
  inbox: readonly InboxCursor[];
}

/**
 * How long one slice may encode before it is written and the event loop gets its turn: slices are cut by time, not by
 * count, so that large records (a task with a long description) or a busy machine do not make a slice a long stall.
 * Short, because a request waits a few turns of the loop (its log write, then its fsync) and each turn that runs a
 * slice adds one to its wait: with 4 ms, events reached the stream in bursts 20 to 40 ms apart during a snapshot.
 */
const SLICE_MS = 2;
/** Bytes of snapshot written between two flushes to the disk. */
const SYNC_EVERY_BYTES = 4 * 1024 * 1024;
/** The clock is read once per this many records. */
const RECORDS_PER_CLOCK_READ = 32;

/**
 * Writes a snapshot as compact JSON a slice of records at a time, each slice written to the file before the next is
 * built, yielding to the event loop between slices: a large registry encoded (or converted to bytes) in one step would
 * stall every request for a long time, and held as one string it would double the daemon's memory while written.
 */
async function writeSlices(handle: FileHandle, content: RegistryContent): Promise<void> {
  let position = 0;
  let synced = 0;
  const write = async (parts: readonly string[]) => {
    const bytes = encodeStrings(parts).data;
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, position + written);
      written += bytesWritten;
    }
    position += bytes.length;
    // Flushed as it goes: on a journaling file system the event log's fdatasync may have to wait for every dirty page
    // of the file system, and a hundred megabytes of snapshot left dirty would hold each acknowledgement that long.
    if (position - synced >= SYNC_EVERY_BYTES) {
      await handle.datasync();
      synced = position;
    }
  };
  const section = async <T>(open: string, records: readonly T[], key: (record: T) => string) => {
    let i = 0;
    let parts: string[] = [open];
    do {
      const started = performance.now();
      while (i < records.length) {
        const record = records[i] as T;
        // The record's JSON goes in as it is: joined to its key, it would be copied once more.
        parts.push(`${i ? ',' : ''}${JSON.stringify(key(record))}:`, JSON.stringify(record));
        i++;
        if (i % RECORDS_PER_CLOCK_READ === 0 && performance.now() - started >= SLICE_MS) break;
      }
      await write(parts);
      parts = [];
      await new Promise((resolve) => setImmediate(resolve));
    } while (i < records.length);
  };
  await section(`{"meta":${JSON.stringify(content.meta)},"tasks":{`, content.tasks, (task) => task.id);
  await section('},"agents":{', content.agents, (agent) => agent.id);
  await section('},"idempotency":{', content.idempotency, (record) => record.key);
  await section('},"inbox":{', content.inbox, (cursor) => cursor.file);
  await write(['}}']);
}

export class Registry {
  private readonly db: Low<RegistryData | null>;

  constructor(readonly path: string) {
    // The file adapter is built directly: lowdb's presets swap in an in-memory adapter under NODE_ENV=test.
    this.db = new Low<RegistryData | null>(new DataFile<RegistryData | null>(path, { parse: JSON.parse, stringify: JSON.stringify }), null);
  }

  /** The last snapshot, or null when there is none or it cannot be used (the log alone then rebuilds everything). */
  async read(): Promise<{ data: RegistryData | null; problem?: string }> {
    if (!existsSync(this.path)) return { data: null };
    try {
      await this.db.read();
    } catch (error) {
      return { data: null, problem: `registry.json is unreadable (${describeError(error)}); rebuilding from the log` };
    }
    const data = this.db.data;
    if (!data || data.meta?.schemaVersion !== REGISTRY_SCHEMA_VERSION || typeof data.meta.seq !== 'number') {
      return { data: null, problem: 'registry.json has an unknown layout; rebuilding from the log' };
    }
    const bad = badValue(data);
    if (bad) return { data: null, problem: `registry.json holds a bad value (${bad}); rebuilding from the log` };
    return { data };
  }

  /**
   * Written beside the file in slices (see writeSlices), made durable, then renamed into place, so the file always
   * parses. lowdb reads it; its writer takes the whole document as one string, which a large registry cannot afford.
   */
  async write(content: RegistryContent): Promise<void> {
    const tmp = join(dirname(this.path), `.${basename(this.path)}.tmp`);
    // Owner only: the registry holds lease tokens.
    const handle = await open(tmp, 'w', 0o600);
    try {
      await writeSlices(handle, content);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.path);
    await chmod(this.path, 0o600);
  }
}

/**
 * Where a parsed snapshot breaks the shape recovery relies on, or null. A structural check of the fields the registry
 * and its indexes use, not a full schema parse: that would cost seconds at the start of a large registry, for a file
 * only the daemon writes. Anything it lets through is still replaced by the log's events as they are replayed.
 */
export function badValue(data: RegistryData): string | null {
  if (!Number.isSafeInteger(data.meta.seq) || data.meta.seq < 0) return 'meta.seq';
  for (const section of ['tasks', 'agents', 'idempotency', 'inbox'] as const) {
    if (!isRecord(data[section])) return section;
  }
  for (const [key, task] of Object.entries(data.tasks)) {
    const where = `tasks[${JSON.stringify(key)}]`;
    if (!isRecord(task) || task.id !== key) return where;
    if (!(TASK_STATES as readonly unknown[]).includes(task.state)) return `${where}.state`;
    if (!Number.isSafeInteger(task.version) || task.version < 1) return `${where}.version`;
    if (task.agentId !== null && typeof task.agentId !== 'string') return `${where}.agentId`;
    if (!Array.isArray(task.tags)) return `${where}.tags`;
    if (!Array.isArray(task.dependsOn) || !task.dependsOn.every((dep) => isRecord(dep) && typeof dep.taskId === 'string')) {
      return `${where}.dependsOn`;
    }
    if (typeof task.createdAt !== 'string' || typeof task.updatedAt !== 'string') return `${where}.createdAt`;
  }
  for (const [key, agent] of Object.entries(data.agents)) {
    if (!isRecord(agent) || agent.id !== key || typeof agent.lastSeenAt !== 'string' || typeof agent.status !== 'string') {
      return `agents[${JSON.stringify(key)}]`;
    }
  }
  for (const [key, record] of Object.entries(data.idempotency)) {
    if (!isRecord(record) || record.key !== key || typeof record.at !== 'string') return `idempotency[${JSON.stringify(key)}]`;
  }
  for (const [key, cursor] of Object.entries(data.inbox)) {
    const ok =
      isRecord(cursor) &&
      cursor.file === key &&
      typeof cursor.identity === 'string' &&
      Number.isSafeInteger(cursor.offset) &&
      cursor.offset >= 0 &&
      Number.isSafeInteger(cursor.rev);
    if (!ok) return `inbox[${JSON.stringify(key)}]`;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
