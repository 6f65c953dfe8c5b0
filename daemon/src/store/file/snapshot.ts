/**
 * `registry.json`, the lowdb snapshot of the registry. It only saves replay time: the event log is the truth, so the
 * snapshot is written now and then (coalesced), never once per event, and always describes a durable point of the log.
 */
import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import type { Agent, Task } from '../../protocol/index.js';
import type { IdempotencyRecord, InboxCursor } from '../store.js';

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

const TASKS_PER_SLICE = 1000;

/**
 * Serializes a snapshot as compact JSON a slice of tasks at a time, yielding to the event loop between slices: one
 * JSON.stringify of a large registry would stall every request for tens of milliseconds.
 */
export async function serializeRegistry(content: RegistryContent): Promise<string> {
  const parts = [`{"meta":${JSON.stringify(content.meta)},"tasks":{`];
  const { tasks } = content;
  for (let start = 0; start < tasks.length; start += TASKS_PER_SLICE) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    const end = Math.min(tasks.length, start + TASKS_PER_SLICE);
    for (let i = start; i < end; i++) {
      const task = tasks[i] as Task;
      parts.push(`${i ? ',' : ''}${JSON.stringify(task.id)}:${JSON.stringify(task)}`);
    }
  }
  parts.push(
    `},"agents":${JSON.stringify(Object.fromEntries(content.agents.map((a) => [a.id, a])))}`,
    `,"idempotency":${JSON.stringify(Object.fromEntries(content.idempotency.map((r) => [r.key, r])))}`,
    `,"inbox":${JSON.stringify(Object.fromEntries(content.inbox.map((c) => [c.file, c])))}}`,
  );
  return parts.join('');
}

export class Registry {
  private readonly db: Low<RegistryData | string | null>;

  constructor(readonly path: string) {
    // The file adapter is built directly: lowdb's presets swap in an in-memory adapter under NODE_ENV=test.
    // Writes hand it JSON already serialized (see serializeRegistry), compact: pretty-printing doubles size and time.
    this.db = new Low<RegistryData | string | null>(
      new DataFile<RegistryData | string | null>(path, {
        parse: JSON.parse,
        stringify: (data) => (typeof data === 'string' ? data : JSON.stringify(data)),
      }),
      null,
    );
  }

  /** The last snapshot, or null when there is none or it cannot be used (the log alone then rebuilds everything). */
  async read(): Promise<{ data: RegistryData | null; problem?: string }> {
    if (!existsSync(this.path)) return { data: null };
    try {
      await this.db.read();
    } catch (error) {
      return { data: null, problem: `registry.json is unreadable (${(error as Error).message}); rebuilding from the log` };
    }
    const data = this.db.data;
    if (!data || typeof data === 'string' || data.meta?.schemaVersion !== REGISTRY_SCHEMA_VERSION || typeof data.meta.seq !== 'number') {
      return { data: null, problem: 'registry.json has an unknown layout; rebuilding from the log' };
    }
    return { data };
  }

  /** steno writes a temporary file and renames it into place, so the file always parses. */
  async write(json: string): Promise<void> {
    this.db.data = json;
    await this.db.write();
    this.db.data = null;
    // steno creates its temporary file with the default mode; the registry holds lease tokens, so owner only.
    await chmod(this.path, 0o600);
  }
}
