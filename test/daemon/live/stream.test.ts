/**
 * /v1/stream: catch-up, live, reconnects without gaps or duplicates, refusals at the upgrade, pings, and the bound on
 * what a consumer that does not read can make the daemon hold.
 */
import { strict as assert } from 'node:assert';
import type { TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { pollUntil } from '../../support/poll.js';
import { createTasks, startLiveDaemon, type LiveDaemon } from './liveDaemon.js';
import { assertContiguous, rawUpgrade, StreamRecorder, stuckConsumer, upgradeHeaders } from './streamClient.js';
import { metricValue } from './promText.js';

describe('live: /v1/stream', function () {
  let d: LiveDaemon;
  const open: StreamRecorder[] = [];
  const connect = async (after?: number) => {
    const recorder = await StreamRecorder.open(d, after);
    open.push(recorder);
    return recorder;
  };

  beforeEach(async () => {
    d = await startLiveDaemon();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.close()));
    await d?.close();
  });

  it('sends the history after `after`, then live, then new events in order', async () => {
    await createTasks(d.http, 3, 'early', 1);
    const stream = await connect(0);
    assert.equal(await stream.waitLive(), 3);
    assert.equal(stream.liveAt, 3, 'the live frame follows the catch-up');
    await createTasks(d.http, 2, 'later', 1);
    await stream.waitForSeq(5);
    assertContiguous(stream.events, 1, 5);
    assert.deepEqual(
      stream.events.map((e) => e.taskId),
      ['early-0', 'early-1', 'early-2', 'later-0', 'later-1'],
    );
  });

  it('starts after the given seq, and from the start of the feed when `after` is absent', async () => {
    await createTasks(d.http, 5, 't', 5);
    const fromTwo = await connect(2);
    const fromStart = await connect();
    assert.equal(await fromTwo.waitLive(), 5);
    assert.equal(await fromStart.waitLive(), 5);
    assertContiguous(fromTwo.events, 3, 5);
    assertContiguous(fromStart.events, 1, 5);
    const ahead = await connect(99);
    assert.equal(await ahead.waitLive(), 5);
    assert.equal(ahead.events.length, 0);
  });

  it('a catch-up racing with writes has no gap and no duplicate, and reconnecting with the last seq resumes exactly', async () => {
    await createTasks(d.http, 2000, 'bulk', 500);
    // Writers keep going while clients catch up: events become durable during every client's catch-up.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await createTasks(d.http, 20, `w${written}`, 20);
        written += 20;
      }
    })();
    const first = await connect(0);
    await first.waitLive();
    await pollUntil('more writes after the first client went live', () => (written >= 200 ? true : undefined));
    await first.close();
    const resumed = await connect(first.lastSeq);
    await resumed.waitLive();
    const writtenAtReconnect = written;
    await pollUntil('writes after the reconnect', () => (written >= writtenAtReconnect + 200 ? true : undefined));
    writing = false;
    await writer;
    const finalSeq = d.daemon.tracker.store.durableSeq;
    await resumed.waitForSeq(finalSeq);
    const all: TrackerEvent[] = [...first.events, ...resumed.events];
    assertContiguous(all, 1, finalSeq);
    assert.ok(first.events.length > 2000 && resumed.events.length >= 200, 'both connections carried part of the feed');
  });

  it('serves a long catch-up in chunks, in order', async () => {
    await createTasks(d.http, 6000, 'long', 1000);
    const stream = await connect(0);
    assert.equal(await stream.waitLive(20_000), 6000);
    assertContiguous(stream.events, 1, 6000);
  });

  it('a client that reads slowly through a long catch-up gets every event exactly once, in order, then the live ones', async function () {
    this.timeout(120_000);
    // About 7 MB of feed: many catch-up chunks, and far more than the sockets' buffers hold while the client waits.
    await createTasks(d.http, 3000, 'slow', 250, { description: 'd'.repeat(2048) });
    const stream = await connect(0);
    let rounds = 0;
    // The client reads 150 events, stops, and while it is stopped more events become durable; then it reads on.
    while (stream.liveSeq === undefined) {
      stream.readOn(150);
      await pollUntil('the client to read 150 more events or go live', () => (stream.paused || stream.liveSeq !== undefined ? true : undefined), 30_000);
      await createTasks(d.http, 10, `during${rounds}`, 10);
      rounds++;
    }
    stream.readAll();
    assert.ok(rounds >= 10, `the catch-up was interleaved with writes ${rounds} times`);
    await createTasks(d.http, 30, 'after', 10);
    const finalSeq = d.daemon.tracker.store.durableSeq;
    await stream.waitForSeq(finalSeq, 30_000);
    assertContiguous(stream.events, 1, finalSeq);
    assert.ok((stream.liveAt ?? 0) > 3000, 'the live frame came after the history and the writes made during the catch-up');
  });

  it('refuses an upgrade without the token (401), with a wrong token (401), with an Origin (403) or a foreign Host (403)', async () => {
    const port = d.daemon.port;
    const token = d.daemon.token;
    const cases: { name: string; path?: string; headers: Record<string, string>; status: number; code: string }[] = [
      { name: 'no token', headers: upgradeHeaders(port, null), status: 401, code: 'unauthorized' },
      { name: 'wrong token', headers: upgradeHeaders(port, `${token}x`), status: 401, code: 'unauthorized' },
      { name: 'Origin', headers: upgradeHeaders(port, token, { origin: 'http://evil.example' }), status: 403, code: 'forbidden' },
      { name: 'foreign Host', headers: upgradeHeaders(port, token, { host: `evil.example:${port}` }), status: 403, code: 'forbidden' },
      { name: 'other path', path: '/v1/other', headers: upgradeHeaders(port, token), status: 404, code: 'not_found' },
      { name: 'bad after', path: '/v1/stream?after=-1', headers: upgradeHeaders(port, token), status: 400, code: 'validation_failed' },
    ];
    for (const c of cases) {
      const answer = await rawUpgrade(port, c.path ?? '/v1/stream', c.headers);
      assert.equal(answer.status, c.status, c.name);
      assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, c.code, c.name);
    }
    assert.equal((await rawUpgrade(port, '/v1/stream', upgradeHeaders(port, token))).status, 101);
    assert.equal((await rawUpgrade(port, '/v1/stream', upgradeHeaders(port, token, { host: `localhost:${port}` }))).status, 101);
  });

  it('pings: a client that answers stays, one that never answers is terminated', async () => {
    await d.close();
    d = await startLiveDaemon({ tuning: { stream: { pingIntervalMs: 1000 } } });
    const healthy = await connect(0);
    await healthy.waitLive();
    const silent = await stuckConsumer(d, 0);
    await pollUntil('the silent client to be terminated', async () =>
      metricValue(await metricsText(), 'agent_tracker_stream_dropped_total', { reason: 'unresponsive' }) === 1 ? true : undefined,
    );
    await silent.readUntilClosed();
    assert.equal(healthy.closeCode, undefined, 'the answering client is still connected');
    await createTasks(d.http, 1, 'after-ping', 1);
    await healthy.waitForSeq(1);
    assert.equal(await clients(), 1);
    assert.equal(metricValue(await metricsText(), 'agent_tracker_stream_dropped_total', { reason: 'unresponsive' }), 1);
  });

  it('drops a consumer that never reads once its unsent bytes pass the limit, and holds nothing more for it', async function () {
    this.timeout(60_000);
    const limit = 4 * 1024 * 1024; // the default, as shipped
    const stuck = await stuckConsumer(d, 0);
    const reader = await connect(0);
    await reader.waitLive();
    // ~60 KiB per task: the kernel's socket buffers fill first, then the daemon's, until the limit is passed.
    const description = 'x'.repeat(60 * 1024);
    let created = 0;
    while ((await clients()) === 2 && created < 2000) {
      await createTasks(d.http, 16, `big${created}`, 16, { description });
      created += 16;
    }
    assert.equal(await clients(), 1, 'only the reading client is left');
    await stuck.readUntilClosed();
    const line = d.logLines.find((l) => l.includes('stream client dropped'));
    assert.ok(line, 'the drop is logged');
    const unsent = Number(/dropped: (\d+) bytes unsent/.exec(line)?.[1]);
    // It is checked before each durable batch is sent, so it overshoots the limit by at most one batch (~1 MiB here).
    assert.ok(unsent > limit && unsent < limit + 2 * 1024 * 1024, `unsent ${unsent} bytes when dropped`);
    assert.equal(metricValue(await metricsText(), 'agent_tracker_stream_dropped_total', { reason: 'slow' }), 1);
    // The reading client got everything, in order.
    const finalSeq = d.daemon.tracker.store.durableSeq;
    await reader.waitForSeq(finalSeq, 30_000);
    assertContiguous(reader.events, 1, finalSeq);
  });

  it('closes its clients with 1001 when the daemon stops, and a reconnect to the restarted daemon resumes', async () => {
    await createTasks(d.http, 3, 'before', 3);
    const stream = await connect(0);
    await stream.waitLive();
    const home = d.home;
    await d.stop();
    assert.equal(await stream.closed, 1001);
    d = await startLiveDaemon({ home });
    await createTasks(d.http, 2, 'after', 2);
    const resumed = await connect(stream.lastSeq);
    assert.equal(await resumed.waitLive(), 5);
    assertContiguous([...stream.events, ...resumed.events], 1, 5);
  });

  async function clients(): Promise<number> {
    return metricValue(await metricsText(), 'agent_tracker_stream_clients') ?? -1;
  }

  async function metricsText(): Promise<string> {
    const res = await d.http.get('/metrics');
    assert.equal(res.status, 200, res.text);
    return res.text;
  }
});
