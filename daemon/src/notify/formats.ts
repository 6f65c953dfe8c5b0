/**
 * What a delivery sends in each format: the body and headers for a receiver of our JSON, a Slack or Discord incoming
 * webhook, or an ntfy topic. Agent text is escaped per format so that it can neither mention anyone nor inject markup
 * or links into a team's channel, and never reaches a header.
 */
import { createHmac } from 'node:crypto';
import type { NotificationBody, WebhookFormat } from '../protocol/webhooks.js';

export interface OutboundRequest {
  body: string;
  headers: Record<string, string>;
}

const TITLES: Record<NotificationBody['type'], string> = {
  needs_input: 'An agent needs you',
  'task.failed': 'Task failed',
  'task.stuck': 'Task stuck',
  'task.done': 'Task done',
  'budget.warning': 'Budget warning',
  'budget.exceeded': 'Budget exceeded',
  test: 'Test delivery',
};

export function renderDelivery(format: WebhookFormat, body: NotificationBody, secret?: string): OutboundRequest {
  const rendered = RENDERERS[format](body);
  const headers: Record<string, string> = {
    'content-type': rendered.contentType,
    'user-agent': 'agent-tracker-webhooks',
    'x-agent-tracker-delivery': body.id,
    'x-agent-tracker-event': body.type,
    ...rendered.headers,
  };
  if (secret) headers['x-agent-tracker-signature'] = signature(rendered.body, secret);
  return { body: rendered.body, headers };
}

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

interface Rendered {
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

const RENDERERS: Record<WebhookFormat, (body: NotificationBody) => Rendered> = {
  json: (body) => ({ body: JSON.stringify(body), contentType: 'application/json' }),
  // Slack: `&`, `<` and `>` are the only control characters of its text (mentions, links, channels are all <...>);
  // the block's plain_text is never parsed for markup at all.
  slack: (body) => {
    const line = `${TITLES[body.type]}: ${body.text}`;
    return {
      body: JSON.stringify({
        text: escapeSlack(line),
        blocks: [{ type: 'section', text: { type: 'plain_text', text: truncate(line, 2900), emoji: false } }],
      }),
      contentType: 'application/json',
    };
  },
  // Discord: no mention is ever resolved (allowed_mentions.parse empty), links get no preview (SUPPRESS_EMBEDS), and
  // every markdown character is escaped so the text reads as written.
  discord: (body) => ({
    body: JSON.stringify({
      content: truncate(`**${TITLES[body.type]}**: ${escapeDiscord(body.text)}`, 2000),
      allowed_mentions: { parse: [] },
      flags: 4,
    }),
    contentType: 'application/json',
  }),
  // ntfy: the message is the plain-text body; headers carry only our own fixed words (agent text could not be put
  // safely into a header, and ntfy reads markdown only when asked to).
  ntfy: (body) => ({
    body: truncate(body.text, 3800),
    contentType: 'text/plain; charset=utf-8',
    headers: {
      title: `Agent Tracker: ${TITLES[body.type]}`,
      tags: body.type === 'needs_input' ? 'bell' : body.type === 'task.done' ? 'white_check_mark' : 'warning',
      priority: body.type === 'needs_input' || body.type === 'budget.exceeded' ? 'high' : 'default',
    },
  }),
};

export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A backslash before every markdown character; `@` gets a zero-width joiner so `@everyone` reads but never pings. */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\*_~`|>#[\]()<:-]/g, '\\$&').replace(/@/g, '@\u200b');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
