/** /v1/webhooks: register, list, remove, test, and each webhook's delivery log. */
import { CreateWebhookBody, IdParam, WebhookDeliveriesQuerySchema, parse } from '../../protocol/index.js';
import type { WebhookService } from '../../notify/webhookService.js';
import type { Handlers } from './handlers.js';
import { idempotencyKey } from './respond.js';

type WebhookOperations = 'listWebhooks' | 'createWebhook' | 'removeWebhook' | 'webhookDeliveries' | 'testWebhook';

export function webhookHandlers(webhooks: WebhookService): Pick<Handlers, WebhookOperations> {
  return {
    listWebhooks: (_req, res) => {
      res.json({ items: webhooks.list() });
    },

    createWebhook: (req, res) => {
      const body = parse(CreateWebhookBody, req.body);
      const { webhook, created } = webhooks.create(body, idempotencyKey(req));
      res.status(created ? 201 : 200).json(webhook);
    },

    removeWebhook: (req, res) => {
      const { id } = parse(IdParam, req.params, 'path');
      webhooks.remove(id);
      res.json({ removed: true, id });
    },

    webhookDeliveries: (req, res) => {
      const { id } = parse(IdParam, req.params, 'path');
      const { limit } = parse(WebhookDeliveriesQuerySchema, req.query, 'query');
      res.json({ items: webhooks.deliveriesOf(id, limit) });
    },

    testWebhook: async (req, res) => {
      const { id } = parse(IdParam, req.params, 'path');
      res.status(202).json(await webhooks.test(id));
    },
  };
}
