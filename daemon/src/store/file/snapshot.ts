/**
 * `registry.json`, the lowdb snapshot of the registry. It only saves replay time: the event log is the truth, so the
 * snapshot is written now and then (coalesced), never once per event, and always describes a durable point of the log.
 */
import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { TASK_STATES, type Agent, type Task } from '../../protocol/index.js';
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
    const bad = badValue(data);
    if (bad) return { data: null, problem: `registry.json holds a bad value (${bad}); rebuilding from the log` };
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
