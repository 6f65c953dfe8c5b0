/** /v1/webhooks: register, list, remove, test, and each webhook's delivery log. */
import type { WebhookService } from '../../notify/webhookService.js';
import type { Handlers } from './handlers.js';
import { idempotencyKey } from './respond.js';

type WebhookOperations = 'listWebhooks' | 'createWebhook' | 'removeWebhook' | 'webhookDeliveries' | 'testWebhook';

export function webhookHandlers(webhooks: WebhookService): Pick<Handlers, WebhookOperations> {
  return {
    listWebhooks: (_req, res) => {
      res.json({ items: webhooks.list() });
    },

    createWebhook: (req, res, { body }) => {
      const { webhook, created } = webhooks.create(body, idempotencyKey(req));
      res.status(created ? 201 : 200).json(webhook);
    },

    removeWebhook: (_req, res, { params: { id } }) => {
      webhooks.remove(id);
      res.json({ removed: true, id });
    },

    webhookDeliveries: (_req, res, { params: { id }, query }) => {
      res.json({ items: webhooks.deliveriesOf(id, query.limit) });
    },

    testWebhook: async (_req, res, { params: { id } }) => {
      res.status(202).json(await webhooks.test(id));
    },
  };
}
