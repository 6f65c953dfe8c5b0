/**
 * Webhooks against a real daemon and real receivers on loopback: what is sent for which event, signatures, retries
 * with the same delivery id, a receiver that hangs beside one that answers, a restart with deliveries pending, and
 * refusals of bad registrations.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import type { Delivery, NotificationBody, Task, Webhook } from '../../../daemon/src/protocol/index.js';
import { expectError } from '../support/http.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';
import { cliEnv, runCli } from '../support/runCli.js';
import { Receiver, type Answer } from './receiver.js';

/** Retries within fractions of a second, so a test sees several tries. */
const FAST = { webhooks: { retryDelaysMs: [150, 300, 600] } };

async function addWebhook(t: TestDaemon, body: Record<string, unknown>): Promise<Webhook> {
  return t.http.ok(t.http.post<Webhook>('/v1/webhooks', body));
}

async function failTask(t: TestDaemon, title: string, message = 'boom'): Promise<Task> {
  const task = await t.http.ok(t.http.post<Task>('/v1/tasks', { title, state: 'active', agentId: 'worker-1' }));
  return t.http.ok(t.http.post<Task>(`/v1/tasks/${task.id}/transition`, { to: 'failed', error: { message } }));
}

async function deliveries(t: TestDaemon, id: string): Promise<Delivery[]> {
  return (await t.http.ok(t.http.get<{ items: Delivery[] }>(`/v1/webhooks/${id}/deliveries`))).items;
}

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('notify: webhooks on a live daemon', function () {
  this.timeout(30_000);
  let t: TestDaemon;
  const receivers: Receiver[] = [];
  const receiver = async (answer?: Answer): Promise<Receiver> => {
    const r = await Receiver.start(answer);
    receivers.push(r);
    return r;
  };

  beforeEach(async () => {
    t = await startTestDaemon({ tuning: FAST });
  });
  afterEach(async () => {
    await t.close();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  it('delivers a failed task as signed JSON, once, and nothing for events not subscribed to', async () => {
    const r = await receiver();
    const hook = await addWebhook(t, { url: r.url, events: ['task.failed'], secret: 'sh-secret-1' });
    assert.equal(hook.hasSecret, true);
    assert.ok(!JSON.stringify(hook).includes('sh-secret-1'), 'the secret is never shown');
    await t.http.ok(t.http.post('/v1/tasks', { title: 'not interesting' }));
    const failed = await failTask(t, 'Build the thing', 'compiler said no');
    const [got] = await r.waitFor(1);
    assert.ok(got);
    const body = JSON.parse(got.body) as NotificationBody;
    assert.equal(body.type, 'task.failed');
    assert.equal(body.task?.id, failed.id);
    assert.equal(body.task?.title, 'Build the thing');
    assert.equal(body.agent?.id, 'worker-1');
    assert.match(body.text, /compiler said no/);
    assert.equal(got.headers['x-agent-tracker-delivery'], body.id);
    const expected = `sha256=${createHmac('sha256', 'sh-secret-1').update(got.body).digest('hex')}`;
    assert.equal(got.headers['x-agent-tracker-signature'], expected);
    const log = await until('the delivery log', async () => {
      const items = await deliveries(t, hook.id);
      return items[0]?.state === 'delivered' ? items : undefined;
    });
    assert.equal(log.length, 1);
    assert.equal(log[0]?.id, body.id);
    assert.equal(log[0]?.attempts, 1);
    assert.equal(log[0]?.lastStatus, 200);
    assert.equal(r.received.length, 1);
  });

  it('tells of a task that needs input, in the Slack shape', async () => {
    const r = await receiver();
    await addWebhook(t, { url: r.url, events: ['needs_input'], format: 'slack' });
    const task = await t.http.ok(t.http.post<Task>('/v1/tasks', { title: 'Deploy', state: 'active', agentId: 'claude-code:s1' }));
    await t.http.ok(t.http.post(`/v1/tasks/${task.id}/transition`, { to: 'paused', needsInput: { kind: 'permission', message: 'Bash(rm -rf <!channel> build)' } }));
    const [got] = await r.waitFor(1);
    const slack = JSON.parse(got?.body ?? '{}') as { text: string };
    assert.match(slack.text, /waits for permission: Bash\(rm -rf &lt;!channel&gt; build\)/);
    assert.equal(got?.headers['x-agent-tracker-event'], 'needs_input');
  });

  it('retries a refusing receiver with the same delivery id until it accepts', async () => {
    const r = await receiver((n) => (n < 2 ? 500 : 204));
    const hook = await addWebhook(t, { url: r.url, events: ['task.failed'] });
    await failTask(t, 'Flaky receiver');
    const tries = await r.waitFor(3);
    const ids = new Set(tries.map((x) => x.headers['x-agent-tracker-delivery']));
    assert.equal(ids.size, 1, 'one delivery id on every try');
    assert.ok((tries[1]?.at ?? 0) - (tries[0]?.at ?? 0) >= 100, 'the retry waited its backoff');
    const [d] = await until('delivered', async () => {
      const items = await deliveries(t, hook.id);
      return items[0]?.state === 'delivered' ? items : undefined;
    });
    assert.equal(d?.attempts, 3);
    assert.equal(d?.lastStatus, 204);
  });

  it('a receiver that never answers holds up neither another webhook nor the daemon', async () => {
    const stuck = await receiver(() => 'hang');
    const quick = await receiver();
    await addWebhook(t, { url: stuck.url, events: ['task.failed'] });
    await addWebhook(t, { url: quick.url, events: ['task.failed'] });
    for (let i = 0; i < 6; i++) await failTask(t, `task ${i}`);
    await quick.waitFor(6, 5000);
    await stuck.waitFor(1, 5000);
    const started = Date.now();
    await t.http.ok(t.http.get('/v1/tasks?limit=5'));
    assert.ok(Date.now() - started < 1000, 'the API answers while a receiver hangs');
  });

  it('keeps pending deliveries across a restart and sends them with the same id', async () => {
    let accept = false;
    const r = await receiver(() => (accept ? 200 : 503));
    const hook = await addWebhook(t, { url: r.url, events: ['task.failed'] });
    await failTask(t, 'Survive a restart');
    const [first] = await r.waitFor(1);
    const id = first?.headers['x-agent-tracker-delivery'];
    await t.stop();
    accept = true;
    const before = r.received.length;
    t = await startTestDaemon({ home: t.home, tuning: FAST, logLines: t.logLines });
    const again = await r.waitFor(before + 1);
    assert.equal(again.at(-1)?.headers['x-agent-tracker-delivery'], id);
    const [d] = await until('delivered after restart', async () => {
      const items = await deliveries(t, hook.id);
      return items[0]?.state === 'delivered' ? items : undefined;
    });
    assert.equal(d?.id, id);
    // Nothing was queued twice by reading the feed again after the restart.
    assert.equal((await deliveries(t, hook.id)).length, 1);
  });

  it('a crash before a delivery was queued durably: the restart finds its event in the feed and delivers it', async () => {
    const r = await receiver();
    const hook = await addWebhook(t, { url: r.url, events: ['task.failed'] });
    const task = await t.http.ok(t.http.post<Task>('/v1/tasks', { title: 'Fails later', state: 'active', agentId: 'w' }));
    const seqBefore = (await t.http.ok(t.http.get<{ seq: number }>('/healthz'))).seq;
    await t.http.ok(t.http.post(`/v1/tasks/${task.id}/transition`, { to: 'failed', error: { message: 'x' } }));
    const [first] = await r.waitFor(1);
    await t.stop();
    // As if the daemon died after the event was durable but before its delivery was: the journal's cursor is behind.
    writeFileSync(join(t.home, 'webhooks', 'deliveries.jsonl'), `${JSON.stringify({ t: 'seq', seq: seqBefore })}\n`);
    t = await startTestDaemon({ home: t.home, tuning: FAST, logLines: t.logLines });
    const again = await r.waitFor(2);
    assert.equal(again[1]?.headers['x-agent-tracker-delivery'], first?.headers['x-agent-tracker-delivery'], 'the same delivery id');
    const items = await deliveries(t, hook.id);
    assert.equal(items.length, 1, 'queued once');
  });

  it('refuses bad registrations with validation_failed and changes nothing', async () => {
    const cases: Record<string, unknown>[] = [
      { url: 'ftp://example.com', events: ['task.failed'] },
      { url: 'http://user:pw@example.com/x', events: ['task.failed'] },
      { url: 'not a url', events: ['task.failed'] },
      { url: 'http://127.0.0.1:1/x', events: [] },
      { url: 'http://127.0.0.1:1/x', events: ['task.exploded'] },
      { url: 'http://127.0.0.1:1/x', events: ['task.failed', 'task.failed'] },
      { url: 'http://127.0.0.1:1/x', events: ['task.failed'], format: 'irc' },
      { url: 'http://127.0.0.1:1/x', events: ['task.failed'], secret: 'short' },
      { url: 'http://127.0.0.1:1/x', events: ['task.failed'], extra: 1 },
      { url: `http://127.0.0.1:1/${'x'.repeat(3000)}`, events: ['task.failed'] },
    ];
    for (const body of cases) expectError(await t.http.post('/v1/webhooks', body), 400, 'validation_failed');
    assert.deepEqual((await t.http.ok(t.http.get<{ items: Webhook[] }>('/v1/webhooks'))).items, []);
    expectError(await t.http.request('DELETE', '/v1/webhooks/__proto__'), 404, 'not_found');
    expectError(await t.http.get('/v1/webhooks/wh_nothing/deliveries'), 404, 'not_found');
  });

  it('a retried create with the same Idempotency-Key makes one webhook; another body with it is 422', async () => {
    const body = { url: 'http://127.0.0.1:9/x', events: ['task.stuck'] };
    const a = await t.http.post<Webhook>('/v1/webhooks', body, { idempotencyKey: 'k-1' });
    const b = await t.http.post<Webhook>('/v1/webhooks', body, { idempotencyKey: 'k-1' });
    assert.equal(a.status, 201);
    assert.equal(b.status, 200);
    assert.equal(a.body.id, b.body.id);
    expectError(await t.http.post('/v1/webhooks', { ...body, events: ['task.failed'] }, { idempotencyKey: 'k-1' }), 422, 'idempotency_mismatch');
    assert.equal((await t.http.ok(t.http.get<{ items: Webhook[] }>('/v1/webhooks'))).items.length, 1);
  });

  it('the CLI adds, lists, tests and removes a webhook', async () => {
    const r = await receiver();
    const env = cliEnv({ AGENT_TRACKER_HOME: t.home });
    const add = await runCli(['webhooks', 'add', r.url, '--events', 'needs_input,task.failed', '--format', 'ntfy', '--secret', 'cli-secret-1', '--json'], { env });
    assert.equal(add.code, 0, add.stderr);
    const hook = JSON.parse(add.stdout) as Webhook;
    assert.deepEqual(hook.events, ['needs_input', 'task.failed']);
    const list = await runCli(['webhooks', 'list'], { env });
    assert.match(list.stdout, new RegExp(hook.id));
    assert.ok(!list.stdout.includes('cli-secret-1'));
    const test = await runCli(['webhooks', 'test', hook.id], { env });
    assert.equal(test.code, 0, test.stderr);
    assert.match(test.stdout, /delivered/);
    const [got] = await r.waitFor(1);
    assert.equal(got?.headers['x-agent-tracker-event'], 'test');
    assert.equal(got?.headers['x-agent-tracker-signature'], `sha256=${createHmac('sha256', 'cli-secret-1').update(got?.body ?? '').digest('hex')}`);
    const bad = await runCli(['webhooks', 'add', r.url, '--events', 'nope'], { env });
    assert.equal(bad.code, 2);
    const rm = await runCli(['webhooks', 'rm', hook.id], { env });
    assert.equal(rm.code, 0, rm.stderr);
    assert.deepEqual((await t.http.ok(t.http.get<{ items: Webhook[] }>('/v1/webhooks'))).items, []);
  });
});

describe('notify: webhook files', () => {
  it('a restart with a torn journal line keeps every complete record', async () => {
    const home = makeTempHome('webhook-torn');
    try {
      let t = await startTestDaemon({ home, tuning: FAST });
      const r = await Receiver.start(() => 500);
      try {
        const hook = await addWebhook(t, { url: r.url, events: ['task.failed'] });
        await failTask(t, 'torn');
        await r.waitFor(1);
        await t.stop();
        const { appendFileSync } = await import('node:fs');
        appendFileSync(`${home}/webhooks/deliveries.jsonl`, '{"t":"end","id":');
        t = await startTestDaemon({ home, tuning: FAST });
        const items = await deliveries(t, hook.id);
        assert.equal(items.length, 1);
        assert.equal(items[0]?.state, 'pending');
      } finally {
        await t.stop();
        await r.close();
      }
    } finally {
      removeTempHome(home);
    }
  });
});
