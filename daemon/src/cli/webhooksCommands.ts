/** `agent-tracker webhooks add|list|rm|test`: notifications out to a URL (our JSON, Slack, Discord or ntfy). */
import { Command, InvalidArgumentError, Option } from 'commander';
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, type Delivery, type WebhookEvent, type WebhookFormat } from '../protocol/index.js';
import { action, connect, intOption, listOption, output, withCommonOptions, type CommonOptions } from './context.js';
import { EXIT_REFUSED } from './exitCodes.js';
import { renderTable } from './table.js';

export function webhooksCommands(): Command {
  const webhooks = new Command('webhooks').description('send notifications (needs input, failed, stuck, budget) to a URL');

  withCommonOptions(webhooks.command('add <url>').description('register a webhook'))
    .requiredOption('--events <list>', `comma-separated: ${WEBHOOK_EVENTS.join(', ')}`, eventsOption)
    .option('--secret <secret>', 'sign each delivery: X-Agent-Tracker-Signature: sha256=<HMAC-SHA256 of the body>')
    .addOption(new Option('--format <format>', 'message shape').choices(WEBHOOK_FORMATS).default('json'))
    .action(
      action(async (url: string, options: CommonOptions & { events: WebhookEvent[]; secret?: string; format: WebhookFormat }) => {
        const client = await connect(options);
        const webhook = await client.createWebhook({ url, events: options.events, format: options.format, secret: options.secret });
        output(options, webhook, () => `added ${webhook.id}: ${webhook.format} to ${webhook.url} on ${webhook.events.join(', ')}`);
      }),
    );

  withCommonOptions(webhooks.command('list').description('registered webhooks and their pending deliveries')).action(
    action(async (options: CommonOptions) => {
      const client = await connect(options);
      const list = await client.listWebhooks();
      output(options, list, () =>
        list.items.length === 0
          ? 'no webhooks (add one with: agent-tracker webhooks add URL --events needs_input)'
          : renderTable(
              ['ID', 'FORMAT', 'EVENTS', 'SIGNED', 'PENDING', 'URL'],
              list.items.map((w) => [w.id, w.format, w.events.join(','), w.hasSecret ? 'yes' : 'no', String(w.pending), w.url]),
            ),
      );
    }),
  );

  withCommonOptions(webhooks.command('rm <id>').description('remove a webhook (its pending deliveries are dropped)')).action(
    action(async (id: string, options: CommonOptions) => {
      const client = await connect(options);
      const removed = await client.removeWebhook(id);
      output(options, removed, () => `removed ${id}`);
    }),
  );

  withCommonOptions(webhooks.command('test <id>').description('send a test delivery and wait for its first outcome'))
    .option('--wait-ms <ms>', 'how long to wait for the receiver (default 15000)', intOption(0, 600_000), 15_000)
    .action(
      action(async (id: string, options: CommonOptions & { waitMs: number }) => {
        const client = await connect(options);
        const queued = await client.testWebhook(id);
        const delivery = await firstOutcome(id, queued, options.waitMs, (limit) => client.webhookDeliveries(id, { limit }));
        output(options, delivery, () => describeDelivery(delivery));
        return delivery.state === 'delivered' ? 0 : EXIT_REFUSED;
      }),
    );

  withCommonOptions(webhooks.command('deliveries <id>').description("a webhook's delivery log, newest first"))
    .option('--limit <n>', 'how many (default 20)', intOption(1, 1000), 20)
    .action(
      action(async (id: string, options: CommonOptions & { limit: number }) => {
        const client = await connect(options);
        const log = await client.webhookDeliveries(id, { limit: options.limit });
        output(options, log, () =>
          renderTable(
            ['DELIVERY', 'TYPE', 'STATE', 'TRIES', 'LAST', 'CREATED'],
            log.items.map((d) => [d.id, d.type, d.state, String(d.attempts), d.lastError ?? (d.lastStatus === null ? '' : String(d.lastStatus)), d.createdAt]),
          ),
        );
      }),
    );

  return webhooks;
}

function eventsOption(value: string): WebhookEvent[] {
  const events = listOption(value);
  const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length || events.length === 0) {
    throw new InvalidArgumentError(`unknown event ${unknown.join(', ') || '(none given)'}; choose from ${WEBHOOK_EVENTS.join(', ')}`);
  }
  return [...new Set(events)] as WebhookEvent[];
}

/** Polls the delivery log until the test delivery was tried once (or the wait ends). */
async function firstOutcome(
  _id: string,
  queued: Delivery,
  waitMs: number,
  read: (limit: number) => Promise<{ items: Delivery[] }>,
): Promise<Delivery> {
  const deadline = Date.now() + waitMs;
  let latest = queued;
  while (Date.now() < deadline) {
    latest = (await read(100)).items.find((d) => d.id === queued.id) ?? latest;
    if (latest.attempts > 0) return latest;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return latest;
}

function describeDelivery(d: Delivery): string {
  if (d.state === 'delivered') return `delivered ${d.id} (HTTP ${d.lastStatus ?? '?'})`;
  if (d.attempts === 0) return `queued ${d.id}; not tried yet`;
  const why = d.lastError ?? `HTTP ${d.lastStatus ?? '?'}`;
  return d.state === 'failed' ? `gave up ${d.id}: ${why}` : `not delivered yet (${why}); retrying at ${d.nextAttemptAt ?? '?'} with the same id ${d.id}`;
}
