/**
 * Outbound webhooks: registrations, the notifications the event feed gives rise to, and their delivery. Each event
 * that makes a notification queues one delivery per subscribed webhook (durably, before the feed's cursor moves past
 * it); deliveries are tried at once, then with backoff for 24 hours, with the same delivery id every time. Each
 * webhook has its own small number of tries in flight, each bounded by a timeout, so a slow or failing receiver
 * holds up neither the others nor the daemon.
 */
import { createHash, randomBytes } from 'node:crypto';
import { bestEffort, describeFetchError, describeError, TrackerError, type TrackerEvent } from '../protocol/index.js';
import {
  MAX_WEBHOOKS,
  type CreateWebhookBody,
  type Delivery,
  type NotificationBody,
  type Webhook,
} from '../protocol/webhooks.js';
import type { Tracker } from '../engine/tracker.js';
import type { Logger } from '../common/logger.js';
import type { z } from 'zod';
import { renderDelivery } from './formats.js';
import { notificationOf, type Notification } from './notification.js';
import { foldLine, WebhookFiles, type JournalLine, type JournalState, type StoredDelivery, type StoredWebhook } from './webhookFiles.js';

export interface WebhookTuning {
  /** Waits between tries: the n-th retry waits the n-th entry (the last one repeats). */
  retryDelaysMs: readonly number[];
  /** A delivery not accepted within this long after it was queued is given up. */
  giveUpAfterMs: number;
  requestTimeoutMs: number;
  maxInFlightPerWebhook: number;
  /** Finished deliveries kept in each webhook's log. */
  keepPerWebhook: number;
  /** The journal is rewritten (pruned) once it holds this many lines. */
  compactAfterLines: number;
}

export const DEFAULT_WEBHOOK_TUNING: WebhookTuning = {
  retryDelaysMs: [1000, 2000, 5000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000],
  giveUpAfterMs: 24 * 60 * 60 * 1000,
  requestTimeoutMs: 10_000,
  maxInFlightPerWebhook: 4,
  keepPerWebhook: 100,
  compactAfterLines: 5000,
};

/** How often the feed's cursor is written when no delivery moved it. */
const CURSOR_WRITE_MS = 1000;
const FEED_CHUNK = 1000;

export type NewWebhook = z.output<typeof CreateWebhookBody>;

export class WebhookService {
  private readonly webhooks = new Map<string, StoredWebhook>();
  private readonly deliveries: Map<string, StoredDelivery>;
  private readonly inFlight = new Map<string, number>();
  private readonly sending = new Set<string>();
  private readonly incoming: TrackerEvent[] = [];
  private cursor: number;
  private cursorWritten: number;
  private pumping: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly cursorTimer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private caughtUp = false;
  private closed = false;
  private readonly requests = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  readonly tuning: WebhookTuning;

  private constructor(
    private readonly tracker: Tracker,
    private readonly files: WebhookFiles,
    private readonly log: Logger,
    journal: JournalState,
    webhooks: StoredWebhook[],
    tuning: Partial<WebhookTuning>,
  ) {
    this.tuning = { ...DEFAULT_WEBHOOK_TUNING, ...tuning };
    for (const webhook of webhooks) this.webhooks.set(webhook.id, webhook);
    this.deliveries = journal.deliveries;
    for (const [id, d] of this.deliveries) if (!this.webhooks.has(d.webhookId)) this.deliveries.delete(id);
    this.cursor = this.cursorWritten = journal.seq ?? tracker.store.durableSeq;
    this.unsubscribe = tracker.store.onDurable((events) => {
      this.incoming.push(...events);
      if (this.caughtUp) this.pump();
    });
    this.cursorTimer = setInterval(() => this.writeCursor(), CURSOR_WRITE_MS);
    this.cursorTimer.unref();
  }

  /** Opens the home's webhook files, prunes the journal, and resumes pending deliveries and the feed where it stopped. */
  static async open(tracker: Tracker, home: string, log: Logger, tuning: Partial<WebhookTuning> = {}): Promise<WebhookService> {
    const files = new WebhookFiles(home);
    const webhooks = files.readWebhooks();
    const journal = files.readJournal();
    const service = new WebhookService(tracker, files, log, journal, webhooks, tuning);
    await files.rewrite(service.journalState());
    await service.catchUp();
    return service;
  }

  // ---- Registrations -------------------------------------------------------------------------------------------------

  list(): Webhook[] {
    return [...this.webhooks.values()].map((w) => this.present(w));
  }

  get(id: string): Webhook {
    return this.present(this.stored(id));
  }

  /** A retried create (same Idempotency-Key and body) answers with the webhook it made; another body is 422. */
  create(input: NewWebhook, idempotencyKey?: string): { webhook: Webhook; created: boolean } {
    const hash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    if (idempotencyKey) {
      const earlier = [...this.webhooks.values()].find((w) => w.idempotency?.key === idempotencyKey);
      if (earlier) {
        if (earlier.idempotency?.hash !== hash) {
          throw new TrackerError('idempotency_mismatch', 'this Idempotency-Key was used with a different request');
        }
        return { webhook: this.present(earlier), created: false };
      }
    }
    if (this.webhooks.size >= MAX_WEBHOOKS) throw new TrackerError('conflict', `at most ${MAX_WEBHOOKS} webhooks`);
    const webhook: StoredWebhook = {
      id: `wh_${randomBytes(9).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`,
      url: input.url,
      events: input.events,
      format: input.format,
      ...(input.secret ? { secret: input.secret } : {}),
      createdAt: this.tracker.store.now(),
      ...(idempotencyKey ? { idempotency: { key: idempotencyKey, hash } } : {}),
    };
    this.persist([...this.webhooks.values(), webhook]);
    this.webhooks.set(webhook.id, webhook);
    return { webhook: this.present(webhook), created: true };
  }

  /** Removes a webhook; its deliveries still pending are dropped. */
  remove(id: string): void {
    this.stored(id);
    this.persist([...this.webhooks.values()].filter((w) => w.id !== id));
    this.webhooks.delete(id);
    for (const [key, d] of this.deliveries) if (d.webhookId === id) this.deliveries.delete(key);
  }

  /** The webhook's delivery log, newest first. */
  deliveriesOf(id: string, limit = 100): Delivery[] {
    this.stored(id);
    return [...this.deliveries.values()]
      .filter((d) => d.webhookId === id)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
      .slice(0, limit)
      .map(publicDelivery);
  }

  /** Queues a `test` delivery to one webhook, whatever it subscribes to. */
  async test(id: string): Promise<Delivery> {
    const webhook = this.stored(id);
    const at = this.tracker.store.now();
    const notification: Notification = {
      type: 'test',
      seq: 0,
      at,
      agent: null,
      task: null,
      text: 'Agent Tracker test delivery: this webhook is set up.',
    };
    const delivery = this.newDelivery(webhook, notification, `dlv_test_${randomBytes(8).toString('hex')}`);
    this.deliveries.set(delivery.id, delivery);
    await this.files.append([{ t: 'queued', d: delivery }], true);
    this.schedule();
    return publicDelivery(delivery);
  }

  // ---- Feed to deliveries --------------------------------------------------------------------------------------------

  /** Events written while the daemon was down (or before their deliveries were durable) are read from the feed. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const chunk = await this.tracker.store.readFeed(this.cursor, FEED_CHUNK);
      if (chunk.length === 0) break;
      if (this.webhooks.size === 0) this.cursor = (chunk.at(-1) as { seq: number }).seq;
      else await this.take(chunk.map((stored) => JSON.parse(stored.json) as TrackerEvent));
    }
    this.caughtUp = true;
    this.pump();
    this.schedule();
  }

  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = (async () => {
      while (this.incoming.length) {
        const batch = this.incoming.splice(0, this.incoming.length);
        await this.take(batch).catch((error: unknown) => this.log.error(`webhooks: could not queue deliveries: ${describeError(error)}`));
      }
    })().finally(() => {
      this.pumping = undefined;
      if (this.incoming.length) this.pump();
    });
  }

  private async take(events: readonly TrackerEvent[]): Promise<void> {
    const queued: StoredDelivery[] = [];
    let last = this.cursor;
    for (const event of events) {
      if (event.seq <= this.cursor) continue;
      last = event.seq;
      if (this.webhooks.size === 0) continue;
      const notification = notificationOf(event, {
        task: (id) => this.tracker.state.tasks.get(id),
        agent: (id) => this.tracker.state.agents.get(id),
      });
      if (!notification) continue;
      for (const webhook of this.webhooks.values()) {
        if (notification.type === 'test' || !webhook.events.includes(notification.type)) continue;
        const id = `dlv_${event.seq}_${webhook.id.slice(3)}`;
        if (this.deliveries.has(id)) continue;
        queued.push(this.newDelivery(webhook, notification, id));
      }
    }
    if (queued.length) {
      await this.files.append([...queued.map((d): JournalLine => ({ t: 'queued', d })), { t: 'seq', seq: last }], true);
      this.cursorWritten = last;
      for (const d of queued) this.deliveries.set(d.id, d);
    }
    this.cursor = Math.max(this.cursor, last);
    if (queued.length) this.schedule();
  }

  private newDelivery(webhook: StoredWebhook, n: Notification, id: string): StoredDelivery {
    const createdAt = this.tracker.store.now();
    const body: NotificationBody = { id, type: n.type, at: n.at, agent: n.agent, task: n.task, text: n.text };
    return {
      id,
      webhookId: webhook.id,
      type: n.type,
      createdAt,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: createdAt,
      lastAttemptAt: null,
      lastStatus: null,
      lastError: null,
      deliveredAt: null,
      body,
    };
  }

  private writeCursor(): void {
    if (this.cursor <= this.cursorWritten || this.closed) return;
    this.cursorWritten = this.cursor;
    void this.files.append([{ t: 'seq', seq: this.cursor }], false).catch((error: unknown) => this.log.warn(`webhooks: ${describeError(error)}`));
  }

  // ---- Delivery ------------------------------------------------------------------------------------------------------

  /** Starts every due try its webhook has room for, and sets one timer for the next due one. */
  private schedule(): void {
    if (this.closed) return;
    const now = Date.now();
    let next = Infinity;
    for (const d of this.deliveries.values()) {
      if (d.state !== 'pending' || this.sending.has(d.id)) continue;
      const due = Date.parse(d.nextAttemptAt ?? d.createdAt);
      if (due <= now && (this.inFlight.get(d.webhookId) ?? 0) < this.tuning.maxInFlightPerWebhook) {
        this.send(d);
      } else if (due > now) {
        next = Math.min(next, due);
      }
    }
    if (next === Infinity || next >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => {
      this.timerAt = Infinity;
      this.timer = undefined;
      this.schedule();
    }, Math.max(0, next - now));
    this.timer.unref();
  }

  private send(d: StoredDelivery): void {
    const webhook = this.webhooks.get(d.webhookId);
    if (!webhook) return;
    this.sending.add(d.id);
    this.inFlight.set(d.webhookId, (this.inFlight.get(d.webhookId) ?? 0) + 1);
    const request = this.attempt(webhook, d).finally(() => {
      this.sending.delete(d.id);
      this.inFlight.set(d.webhookId, (this.inFlight.get(d.webhookId) ?? 1) - 1);
      this.requests.delete(request);
      this.schedule();
    });
    this.requests.add(request);
  }

  private async attempt(webhook: StoredWebhook, d: StoredDelivery): Promise<void> {
    const { body, headers } = renderDelivery(webhook.format, d.body, webhook.secret);
    const abort = new AbortController();
    this.aborts.add(abort);
    const timeout = setTimeout(() => abort.abort(), this.tuning.requestTimeoutMs);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(webhook.url, { method: 'POST', body, headers, redirect: 'manual', signal: abort.signal });
      status = response.status;
      await bestEffort(response.body?.cancel());
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (caught) {
      error = abort.signal.aborted ? (this.closed ? 'daemon stopping' : 'timed out') : describeFetchError(caught);
    } finally {
      clearTimeout(timeout);
      this.aborts.delete(abort);
    }
    if (this.closed && error) return; // the try is made again after the restart
    if (!this.deliveries.has(d.id)) return; // its webhook was removed meanwhile
    const at = this.tracker.store.now();
    const lines: JournalLine[] = [];
    let next: string | null = null;
    if (!error) {
      lines.push({ t: 'try', id: d.id, at, status, error: null, next: null }, { t: 'end', id: d.id, at, state: 'delivered' });
    } else {
      const delays = this.tuning.retryDelaysMs;
      const wait = delays[Math.min(d.attempts, delays.length - 1)] ?? 60_000;
      const nextMs = Date.now() + wait;
      const givesUp = nextMs - Date.parse(d.createdAt) > this.tuning.giveUpAfterMs;
      next = givesUp ? null : new Date(nextMs).toISOString();
      lines.push({ t: 'try', id: d.id, at, status, error, next });
      if (givesUp) lines.push({ t: 'end', id: d.id, at, state: 'failed' });
    }
    // The same fold the journal is read with, so memory and file agree.
    const state: JournalState = { deliveries: this.deliveries, seq: null };
    for (const line of lines) foldLine(state, line);
    await this.files.append(lines, false).catch((e: unknown) => this.log.warn(`webhooks: could not record a try: ${describeError(e)}`));
    if (d.state === 'failed') this.log.warn(`webhook ${webhook.id}: gave up delivery ${d.id} after ${d.attempts} tries (${error})`);
    this.prune(d.webhookId);
    if (this.files.journalLines > this.tuning.compactAfterLines) await this.files.rewrite(this.journalState());
  }

  /** Keeps each webhook's log to its newest finished deliveries (pending ones always stay). */
  private prune(webhookId: string): void {
    const finished = [...this.deliveries.values()].filter((d) => d.webhookId === webhookId && d.state !== 'pending');
    if (finished.length <= this.tuning.keepPerWebhook) return;
    finished.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const d of finished.slice(0, finished.length - this.tuning.keepPerWebhook)) this.deliveries.delete(d.id);
  }

  private journalState(): JournalState {
    return { deliveries: this.deliveries, seq: this.cursor };
  }

  /** Counters for /v1/stats and the metrics. */
  counters(): { webhooks: number; pending: number; delivered: number; failed: number } {
    let pending = 0;
    let delivered = 0;
    let failed = 0;
    for (const d of this.deliveries.values()) {
      if (d.state === 'pending') pending++;
      else if (d.state === 'delivered') delivered++;
      else failed++;
    }
    return { webhooks: this.webhooks.size, pending, delivered, failed };
  }

  /** Stops trying (tries in flight are abandoned and made again after a restart) and writes the cursor. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.unsubscribe();
    await this.pumping;
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.cursorTimer);
    for (const abort of this.aborts) abort.abort();
    await Promise.allSettled([...this.requests]);
    if (this.cursor > this.cursorWritten) {
      // Not saved: the next start reads those events of the feed again (a delivery already queued is not made twice).
      await this.files
        .append([{ t: 'seq', seq: this.cursor }], true)
        .catch((error: unknown) => this.log.warn(`webhooks: delivery cursor not saved: ${describeError(error)}`));
    }
    await this.files.close();
  }

  private stored(id: string): StoredWebhook {
    const webhook = this.webhooks.get(id);
    if (!webhook) throw new TrackerError('not_found', `no webhook ${id}`);
    return webhook;
  }

  private present(w: StoredWebhook): Webhook {
    let pending = 0;
    for (const d of this.deliveries.values()) if (d.webhookId === w.id && d.state === 'pending') pending++;
    return { id: w.id, url: w.url, events: w.events, format: w.format, hasSecret: Boolean(w.secret), createdAt: w.createdAt, pending };
  }

  private persist(webhooks: StoredWebhook[]): void {
    try {
      this.files.writeWebhooks(webhooks);
    } catch (error) {
      throw new TrackerError('unavailable', `could not save the webhooks: ${describeError(error)}`);
    }
  }
}

function publicDelivery(d: StoredDelivery): Delivery {
  const { body: _body, ...rest } = d;
  return { ...rest };
}
