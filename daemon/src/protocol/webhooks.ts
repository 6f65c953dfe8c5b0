/**
 * Outbound webhooks: what a client registers (`POST /v1/webhooks`), what the daemon answers about them and their
 * deliveries, and the JSON a receiver gets. The secret is write-only: no answer ever carries it.
 */
import { z } from 'zod';
import { IsoTime } from './schemas.js';

/** What a webhook can subscribe to: the moments someone should hear about, not the whole event feed. */
export const WEBHOOK_EVENTS = ['needs_input', 'task.failed', 'task.stuck', 'task.done', 'budget.warning', 'budget.exceeded'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** `test` is what `webhooks test` sends; nobody subscribes to it. */
export type NotificationType = WebhookEvent | 'test';

export const WEBHOOK_FORMATS = ['json', 'slack', 'discord', 'ntfy'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const WEBHOOK_ID_PATTERN = /^wh_[A-Za-z0-9]{1,40}$/;
export const MAX_WEBHOOKS = 100;

/** http(s) only, no credentials in the URL (they would be shown by `webhooks list`), at most 2 KiB. */
const WebhookUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL without user:password');

export const CreateWebhookBody = z.strictObject({
  url: WebhookUrl,
  events: z
    .array(z.enum(WEBHOOK_EVENTS))
    .min(1)
    .max(WEBHOOK_EVENTS.length)
    .refine((events) => new Set(events).size === events.length, 'each event once'),
  /** Signs every delivery: `X-Agent-Tracker-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
  secret: z.string().min(8).max(256).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').optional(),
  format: z.enum(WEBHOOK_FORMATS).default('json'),
});
export type CreateWebhookInput = z.input<typeof CreateWebhookBody>;

export const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  format: z.enum(WEBHOOK_FORMATS),
  hasSecret: z.boolean(),
  createdAt: IsoTime,
  /** Deliveries still being tried. */
  pending: z.int().min(0),
});
export type Webhook = z.infer<typeof WebhookSchema>;
export const WebhookItemsSchema = z.object({ items: z.array(WebhookSchema) });

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export const DeliverySchema = z.object({
  /** The same on every try: receivers drop a delivery they have already handled by it. */
  id: z.string(),
  webhookId: z.string(),
  type: z.string(),
  createdAt: IsoTime,
  /** `failed`: every try within 24 hours was refused; nothing more is sent. */
  state: z.enum(DELIVERY_STATES),
  attempts: z.int().min(0),
  nextAttemptAt: IsoTime.nullable(),
  lastAttemptAt: IsoTime.nullable(),
  /** The receiver's HTTP status of the last try, or null when it could not be reached. */
  lastStatus: z.int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: IsoTime.nullable(),
});
export type Delivery = z.infer<typeof DeliverySchema>;
export const DeliveryItemsSchema = z.object({ items: z.array(DeliverySchema) });
export const WebhookRemovedSchema = z.object({ removed: z.literal(true), id: z.string() });

/** The JSON a receiver gets in the `json` format (the others carry the same `text`). */
export interface NotificationBody {
  id: string;
  type: NotificationType;
  at: string;
  agent: { id: string; name: string; kind: string | null } | null;
  task: { id: string; title: string; state: string } | null;
  text: string;
}
