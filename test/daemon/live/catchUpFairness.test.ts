/**
 * Catch-up never starves the daemon: while many stream clients catch up on a large feed at once (their steps served a
 * few at a time within one byte budget, each followed by a turn of the event loop), `/healthz` keeps answering. The
 * latency figure itself is measured in bench/daemon/live.ts (catch-up); here the bound is generous, for a loaded test
 * machine.
 */
import { strict as assert } from 'node:assert';
import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import { pollUntil } from '../../support/poll.js';
import { createTasks, startLiveDaemon, type LiveDaemon } from './liveDaemon.js';
import { wsText } from '../../support/wsText.js';

const EVENTS = 20_000;
const CLIENTS = 30;
const HEALTH_BOUND_MS = 3000;

describe('live: catch-up of many clients at once', function () {
  this.timeout(180_000);
  let d: LiveDaemon;
  before(async () => {
    d = await startLiveDaemon({ tuning: { stream: { catchUpBytesInFlight: 128 * 1024 } } });
    await createTasks(d.http, EVENTS, 'c', 1000);
  });
  after(async () => d?.close());

  it('every client reaches live with every event, and /healthz answers all along', async () => {
    const seq = (await d.http.ok(d.http.get<{ seq: number }>('/healthz'))).seq;
    const counts = new Array<number>(CLIENTS).fill(0);
    const live = new Array<boolean>(CLIENTS).fill(false);
    const sockets = counts.map((_, i) => {
      const socket = new WebSocket(`${d.daemon.url.replace(/^http/, 'ws')}/v1/stream?after=0`, {
        headers: { authorization: `Bearer ${d.daemon.token}` },
      });
      socket.on('message', (data) => {
        if (wsText(data).startsWith('{"type":"live"')) live[i] = true;
        else counts[i] = (counts[i] ?? 0) + 1;
      });
      return socket;
    });
    const probes: number[] = [];
    try {
      while (!live.every(Boolean)) {
        const started = performance.now();
        const answer = await Promise.race([d.http.get('/healthz'), delay(HEALTH_BOUND_MS).then(() => undefined)]);
        assert.ok(answer, `/healthz did not answer within ${HEALTH_BOUND_MS} ms during catch-up`);
        assert.equal(answer.status, 200);
        probes.push(performance.now() - started);
        await delay(50);
      }
      await pollUntil('every event delivered', () => (counts.every((n) => n === seq) ? true : undefined));
      assert.ok(probes.length > 0, 'probed during the catch-up');
    } finally {
      for (const socket of sockets) socket.close();
    }
  });
});
