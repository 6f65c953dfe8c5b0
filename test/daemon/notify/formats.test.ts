/** The message shapes of each format, as tables: what agent text becomes in each, and the signature. */
import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import { escapeDiscord, escapeSlack, renderDelivery, signature } from '../../../daemon/src/notify/formats.js';
import { flat } from '../../../daemon/src/notify/notification.js';
import type { NotificationBody } from '../../../daemon/src/protocol/index.js';

const body = (text: string): NotificationBody => ({
  id: 'dlv_1_abc',
  type: 'needs_input',
  at: '2026-01-01T00:00:00.000Z',
  agent: { id: 'claude-code:1', name: 'Claude Code · repo', kind: 'claude-code' },
  task: { id: 't1', title: 'Fix it', state: 'paused' },
  text,
});

describe('notify: delivery formats', () => {
  it('json: the body as documented, signed over its exact bytes', () => {
    const out = renderDelivery('json', body('hello'), 'secret-123456');
    assert.deepEqual(JSON.parse(out.body), body('hello'));
    assert.equal(out.headers['x-agent-tracker-delivery'], 'dlv_1_abc');
    const expected = `sha256=${createHmac('sha256', 'secret-123456').update(out.body).digest('hex')}`;
    assert.equal(out.headers['x-agent-tracker-signature'], expected);
    assert.equal(renderDelivery('json', body('hello')).headers['x-agent-tracker-signature'], undefined);
  });

  const hostile = 'Run <!channel> <@U123> <https://evil.example|click> @everyone @here **bold** [x](https://evil.example) `code` & done';

  it('slack: no <...> survives (mentions, links, channels), the block is plain text', () => {
    const parsed = JSON.parse(renderDelivery('slack', body(hostile)).body) as { text: string; blocks: { text: { type: string; text: string } }[] };
    assert.ok(!/[<>]/.test(parsed.text), parsed.text);
    assert.ok(parsed.text.includes('&lt;!channel&gt;'));
    assert.ok(parsed.text.includes('&amp; done'));
    assert.equal(parsed.blocks[0]?.text.type, 'plain_text');
    assert.ok(parsed.blocks[0]?.text.text.includes(hostile));
    assert.equal(escapeSlack('a<b>&'), 'a&lt;b&gt;&amp;');
  });

  it('discord: no mention is resolved, markdown is escaped, links get no preview', () => {
    const parsed = JSON.parse(renderDelivery('discord', body(hostile)).body) as { content: string; allowed_mentions: { parse: unknown[] }; flags: number };
    assert.deepEqual(parsed.allowed_mentions, { parse: [] });
    assert.equal(parsed.flags & 4, 4);
    assert.ok(!parsed.content.includes('@everyone'), 'a bare @everyone would ping everyone');
    assert.ok(parsed.content.includes('\\*\\*bold\\*\\*'));
    assert.ok(parsed.content.includes('\\[x\\]\\(https\\:'));
    assert.equal(escapeDiscord('_a_'), '\\_a\\_');
  });

  it('ntfy: the text is the plain body; headers hold only fixed words', () => {
    const out = renderDelivery('ntfy', body('line one\r\nX-Injected: 1'));
    assert.equal(out.body, 'line one\r\nX-Injected: 1');
    for (const [name, value] of Object.entries(out.headers)) {
      assert.ok(!/[\r\n]/.test(value), `${name} carries a line break`);
      assert.ok(!value.includes('Injected'), `${name} carries agent text`);
    }
    assert.equal(out.headers.title, 'Agent Tracker: An agent needs you');
    assert.equal(out.headers.priority, 'high');
  });

  it('agent text is flattened: control, bidirectional and invisible characters go', () => {
    assert.equal(flat('a\u202Eb\u200Bc\nd\u0000e', 100), 'a b c d e');
    assert.equal(flat('x'.repeat(50), 10), `${'x'.repeat(9)}…`);
    assert.equal(signature('', 'k'), `sha256=${createHmac('sha256', 'k').update('').digest('hex')}`);
  });
});
