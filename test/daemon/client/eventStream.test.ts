import assert from 'node:assert/strict';
import { TrackerClient, type EventStream } from '../../../daemon/src/client/index.js';
import type { TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { startTestDaemon, type TestDaemon } from './support/daemonProcess.js';
import { startTcpProxy, type TcpProxy } from './support/tcpProxy.js';
import { waitFor } from './support/waitFor.js';

describe('client: EventStream', () => {
  let daemon: TestDaemon;
  let proxy: TcpProxy;
  let client: TrackerClient;
  let stream: EventStream | undefined;

  before(async () => {
    daemon = await startTestDaemon();
    proxy = await startTcpProxy(daemon.port);
    client = await TrackerClient.connect({ home: daemon.home });
  });

  after(async () => {
    stream?.close();
    await proxy?.close();
    await daemon?.stop();
  });

  it('catches up, goes live, and after a cut resumes from the last seq: nothing missed, nothing twice', async () => {
    for (let i = 0; i < 3; i++) await client.createTask({ title: `stream before ${i}` });
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
    await waitFor(() => lives === 1 && seen.length >= 3, { what: 'catch-up and live' });
    await client.createTask({ title: 'stream live' });
    await waitFor(() => seen.some((e) => e.type === 'task.created' && (e.data.task as { title?: string }).title === 'stream live'));

    proxy.cutAll();
    await waitFor(() => drops >= 1, { what: 'the drop to be noticed' });
    // Written while the subscriber is away: must arrive after the reconnect.
    for (let i = 0; i < 3; i++) await client.createTask({ title: `stream while away ${i}` });
    await waitFor(() => lives >= 2, { what: 'the reconnect to go live again' });
    const { seq } = await client.health();
    await waitFor(() => seen.at(-1)?.seq === seq, { what: `events up to seq ${seq}` });

    const seqs = seen.map((e) => e.seq);
    assert.deepEqual(seqs, Array.from({ length: seq }, (_, i) => i + 1), 'every seq exactly once, in order');
  });

  it('replaces a connection that went silent without closing, and still misses nothing', async () => {
    stream?.close();
    const seen: number[] = [];
    let lives = 0;
    const viaProxy = new TrackerClient({ url: proxy.url, token: daemon.token });
    const { seq: start } = await client.health();
    stream = viaProxy.stream({
      after: start,
      onEvent: (event) => seen.push(event.seq),
      onLive: () => lives++,
      idleTimeoutMs: 500,
      backoff: { baseMs: 20, maxMs: 100 },
    });
    await waitFor(() => lives === 1, { what: 'live' });
    proxy.freezeAll();
    await client.createTask({ title: 'sent into the void' });
    await waitFor(() => lives >= 2, { what: 'the silent connection to be replaced' });
    const { seq } = await client.health();
    await waitFor(() => seen.at(-1) === seq, { what: `events up to seq ${seq}` });
    assert.deepEqual(seen, Array.from({ length: seq - start }, (_, i) => start + i + 1));
  });
});
