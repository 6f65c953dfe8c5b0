import assert from 'node:assert/strict';
import { TrackerClient, type EventStream } from '../../../daemon/src/client/index.js';
import type { TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';
import { pollUntil } from '../../support/poll.js';

describe('client: EventStream', () => {
  let proxy: TcpProxy;
  let stream: EventStream | undefined;

  // Registered before the fixture, so it runs before the daemon stops.
  after(async () => {
    stream?.close();
    await proxy?.close();
  });

  const daemon = useDaemonProcess();

  before(async () => {
    proxy = await startTcpProxy(daemon.port);
  });

  it('catches up, goes live, and after a cut resumes from the last seq: nothing missed, nothing twice', async () => {
    for (let i = 0; i < 3; i++) await daemon.client.createTask({ title: `stream before ${i}` });
    const seen: TrackerEvent[] = [];
    let lives = 0;
    let drops = 0;
    const viaProxy = new TrackerClient({ url: proxy.url, token: daemon.token });
    stream = viaProxy.stream({
      after: 0,
      onEvent: (event) => seen.push(event),
      onLive: () => lives++,
      onDisconnect: () => drops++,
      backoff: { baseMs: 20, maxMs: 100 },
    });
    await pollUntil('catch-up and live', () => (lives === 1 && seen.length >= 3) || undefined);
    await daemon.client.createTask({ title: 'stream live' });
    await pollUntil('the live task', () => seen.some((e) => e.type === 'task.created' && 'title' in e.data && e.data.title === 'stream live') || undefined);

    proxy.cutAll();
    await pollUntil('the drop to be noticed', () => drops >= 1 || undefined);
    // Written while the subscriber is away: must arrive after the reconnect.
    for (let i = 0; i < 3; i++) await daemon.client.createTask({ title: `stream while away ${i}` });
    await pollUntil('the reconnect to go live again', () => lives >= 2 || undefined);
    const { seq } = await daemon.client.health();
    await pollUntil(`events up to seq ${seq}`, () => seen.at(-1)?.seq === seq || undefined);

    const seqs = seen.map((e) => e.seq);
    assert.deepEqual(seqs, Array.from({ length: seq }, (_, i) => i + 1), 'every seq exactly once, in order');
  });

  it('replaces a connection that went silent without closing, and still misses nothing', async () => {
    stream?.close();
    const seen: number[] = [];
    let lives = 0;
    const viaProxy = new TrackerClient({ url: proxy.url, token: daemon.token });
    const { seq: start } = await daemon.client.health();
    stream = viaProxy.stream({
      after: start,
      onEvent: (event) => seen.push(event.seq),
      onLive: () => lives++,
      idleTimeoutMs: 500,
      backoff: { baseMs: 20, maxMs: 100 },
    });
    await pollUntil('live', () => lives === 1 || undefined);
    proxy.freezeAll();
    await daemon.client.createTask({ title: 'sent into the void' });
    await pollUntil('the silent connection to be replaced', () => lives >= 2 || undefined);
    const { seq } = await daemon.client.health();
    await pollUntil(`events up to seq ${seq}`, () => seen.at(-1) === seq || undefined);
    assert.deepEqual(seen, Array.from({ length: seq - start }, (_, i) => start + i + 1));
  });
});
