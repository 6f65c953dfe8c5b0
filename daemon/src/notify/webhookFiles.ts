/**
 * The webhooks' durable state in the daemon's home, `webhooks/`: `webhooks.json` (the registrations with their
 * secrets, owner-only, replaced atomically and fsynced) and `deliveries.jsonl` (an append-only journal of deliveries:
 * queued, each try, the end; and the seq of the last event turned into deliveries). Queued deliveries are fsynced
 * before the cursor moves past their event, so a delivery is never lost to a crash; a try that was not recorded is
 * simply made again (at least once, with the same delivery id).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, type Delivery, type NotificationBody } from '../protocol/webhooks.js';
import { ensurePrivateDir } from '../home/files.js';
import { whenSettled } from '../protocol/index.js';

export const StoredWebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  format: z.enum(WEBHOOK_FORMATS),
  secret: z.string().optional(),
  createdAt: z.string(),
  /** The create request's Idempotency-Key and body hash: the same key again answers with this webhook. */
  idempotency: z.object({ key: z.string(), hash: z.string() }).optional(),
});
export type StoredWebhook = z.infer<typeof StoredWebhookSchema>;

/** A delivery and what it sends (the body is kept so every try sends the same). */
export interface StoredDelivery extends Delivery {
  body: NotificationBody;
}

type JournalLine =
  | { t: 'queued'; d: StoredDelivery }
  | { t: 'try'; id: string; at: string; status: number | null; error: string | null; next: string | null }
  | { t: 'end'; id: string; at: string; state: 'delivered' | 'failed' }
  | { t: 'seq'; seq: number };

export interface JournalState {
  deliveries: Map<string, StoredDelivery>;
  seq: number | null;
}

export class WebhookFiles {
  readonly dir: string;
  private readonly configPath: string;
  private readonly journalPath: string;
  private handle: FileHandle | undefined;
  private chain: Promise<void> = Promise.resolve();
  private lines = 0;

  constructor(home: string) {
    this.dir = join(home, 'webhooks');
    this.configPath = join(this.dir, 'webhooks.json');
    this.journalPath = join(this.dir, 'deliveries.jsonl');
  }

  readWebhooks(): StoredWebhook[] {
    ensurePrivateDir(this.dir, { linkAllowed: false });
    if (!existsSync(this.configPath)) return [];
    const parsed = z.array(StoredWebhookSchema).safeParse(JSON.parse(readFileSync(this.configPath, 'utf8')));
    if (!parsed.success) throw new Error(`${this.configPath} is damaged: ${parsed.error.message}`);
    return parsed.data;
  }

  /** Replaces the registrations: written to a temporary file, fsynced, renamed into place. */
  writeWebhooks(webhooks: readonly StoredWebhook[]): void {
    const tmp = `${this.configPath}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(webhooks, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.configPath);
  }

  /** Folds the journal; a torn last line (a crash mid-append) is ignored. */
  readJournal(): JournalState {
    const state: JournalState = { deliveries: new Map(), seq: null };
    if (!existsSync(this.journalPath)) return state;
    for (const text of readFileSync(this.journalPath, 'utf8').split('\n')) {
      if (!text) continue;
      let line: JournalLine;
      try {
        line = JSON.parse(text) as JournalLine;
      } catch {
        continue;
      }
      foldLine(state, line);
    }
    return state;
  }

  /**
   * Rewrites the journal as the given state (at start, and when it has grown), then appends to it. Written aside and
   * renamed, so a crash leaves the old journal or the new one.
   */
  async rewrite(state: JournalState): Promise<void> {
    await this.chain;
    await this.handle?.close();
    const tmp = `${this.journalPath}.tmp`;
    const lines: JournalLine[] = [...state.deliveries.values()].map((d) => ({ t: 'queued', d }));
    if (state.seq !== null) lines.push({ t: 'seq', seq: state.seq });
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.journalPath);
    this.lines = lines.length;
    this.handle = await open(this.journalPath, 'a', 0o600);
  }

  get journalLines(): number {
    return this.lines;
  }

  /** Appends lines in order; `durable` waits for fdatasync (queued deliveries and the cursor). */
  append(lines: readonly JournalLine[], durable: boolean): Promise<void> {
    const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
    this.lines += lines.length;
    const next = this.chain.then(async () => {
      const handle = this.handle;
      if (!handle) return;
      await handle.write(text);
      if (durable) await handle.datasync();
    });
    this.chain = whenSettled(next);
    return next;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.handle?.close();
    this.handle = undefined;
  }
}

export function foldLine(state: JournalState, line: JournalLine): void {
  switch (line.t) {
    case 'queued':
      if (!state.deliveries.has(line.d.id)) state.deliveries.set(line.d.id, line.d);
      break;
    case 'try': {
      const d = state.deliveries.get(line.id);
      if (!d) break;
      d.attempts += 1;
      d.lastAttemptAt = line.at;
      d.lastStatus = line.status;
      d.lastError = line.error;
      d.nextAttemptAt = line.next;
      break;
    }
    case 'end': {
      const d = state.deliveries.get(line.id);
      if (!d) break;
      d.state = line.state;
      d.nextAttemptAt = null;
      if (line.state === 'delivered') d.deliveredAt = line.at;
      break;
    }
    case 'seq':
      state.seq = Math.max(state.seq ?? 0, line.seq);
      break;
  }
}

export type { JournalLine };
