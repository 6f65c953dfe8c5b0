import assert from 'node:assert/strict';
import { TrackerApiError, TrackerClient } from '../../../daemon/src/client/index.js';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';

describe('client: retries after a dropped connection', () => {
  let proxy: TcpProxy;

  // Registered before the fixture, so it runs before the daemon stops.
  after(async () => {
    await proxy?.close();
  });

  const daemon = useDaemonProcess();

  before(async () => {
    proxy = await startTcpProxy(daemon.port);
  });

  it('a create whose response was lost is retried with the same key and yields one task', async () => {
    const client = new TrackerClient({ url: proxy.url, token: daemon.token }, { backoff: { baseMs: 20, maxMs: 100 } });
    const before = proxy.connections();
    proxy.dropNextResponse();
    const task = await client.createTask({ title: 'created once', tags: ['dropped-response'] });
    assert.ok(proxy.connections() - before >= 2, 'the first attempt was cut and a second connection made');
    const found = await daemon.client.listTasks({ tag: 'dropped-response' });
    assert.equal(found.total, 1);
    assert.equal(found.items[0]?.id, task.id);
  });

  it('503 unavailable is retried; other refusals are not', async () => {
    const client = new TrackerClient({ url: proxy.url, token: daemon.token }, { backoff: { baseMs: 20, maxMs: 100 } });
    proxy.answerNextWith(503, 'unavailable');
    const task = await client.createTask({ title: 'after a 503', tags: ['after-503'] });
    assert.equal((await daemon.client.listTasks({ tag: 'after-503' })).items[0]?.id, task.id);

    proxy.answerNextWith(409, 'conflict');
    await assert.rejects(client.getTask(task.id), (error: unknown) => error instanceof TrackerApiError && error.code === 'conflict');
    assert.equal((await client.getTask(task.id)).id, task.id, 'the next call goes through');
  });

  it('gives up on 503 after its retries with the typed error', async () => {
    const client = new TrackerClient({ url: proxy.url, token: daemon.token }, { retries: 0 });
    proxy.answerNextWith(503, 'unavailable');
    await assert.rejects(client.health(), (error: unknown) => error instanceof TrackerApiError && error.code === 'unavailable');
  });

  it('a transition whose response was lost is not applied twice', async () => {
    const client = new TrackerClient({ url: proxy.url, token: daemon.token }, { backoff: { baseMs: 20, maxMs: 100 } });
    const task = await daemon.client.createTask({ title: 'moved once' });
    proxy.dropNextResponse();
    const moved = await client.transition(task.id, { to: 'active', agentId: 'retrier' });
    assert.equal(moved.state, 'active');
    const events = await daemon.client.taskEvents(task.id);
    assert.equal(events.items.filter((e) => e.type === 'task.transitioned').length, 1);
  });
});
