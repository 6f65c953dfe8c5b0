/**
 * `registry.json`, the lowdb snapshot of the registry. It only saves replay time: the event log is the truth, so the
 * snapshot is written now and then (coalesced), never once per event, and always describes a durable point of the log.
 */
import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import type { Agent, Task } from '../protocol/index.js';
import type { IdempotencyRecord, InboxCursor } from '../engine/state.js';

export const REGISTRY_SCHEMA_VERSION = 1;

export interface RegistryData {
  meta: { seq: number; savedAt: string; schemaVersion: number };
  tasks: Record<string, Task>;
  agents: Record<string, Agent>;
  idempotency: Record<string, IdempotencyRecord>;
  inbox: Record<string, InboxCursor>;
}

export class Registry {
  private readonly db: Low<RegistryData | null>;

  constructor(readonly path: string) {
    // The file adapter is built directly: lowdb's presets swap in an in-memory adapter under NODE_ENV=test.
    // Compact JSON: the snapshot is read by the daemon, and pretty-printing doubles its size and write time.
    this.db = new Low<RegistryData | null>(
      new DataFile<RegistryData | null>(path, { parse: JSON.parse, stringify: (data) => JSON.stringify(data) }),
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
    if (!data || data.meta?.schemaVersion !== REGISTRY_SCHEMA_VERSION || typeof data.meta.seq !== 'number') {
      return { data: null, problem: 'registry.json has an unknown layout; rebuilding from the log' };
    }
    return { data };
  }

  /** steno writes a temporary file and renames it into place, so the file always parses. */
  async write(data: RegistryData): Promise<void> {
    this.db.data = data;
    await this.db.write();
    this.db.data = null;
    // steno creates its temporary file with the default mode; the registry holds lease tokens, so owner only.
    await chmod(this.path, 0o600);
  }
}
