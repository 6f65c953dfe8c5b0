/**
 * Catch-up is bounded for all clients together: every chunk counts against one byte budget from its read until the
 * kernel took it, so clients that stop reading cannot make the daemon hold a chunk each, and a client whose chunk waits
 * too long while others wait for the budget is dropped with 1013, giving its share back.
 */
import { strict as assert } from 'node:assert';
import { createTasks, startLiveDaemon, type LiveDaemon } from './liveDaemon.js';
import { assertContiguous, StreamRecorder, stuckConsumer } from './streamClient.js';
import { metricValue } from './promText.js';

const CHUNK = 16 * 1024;
const BUDGET = 4 * CHUNK;
const STUCK = 6;
const READERS = 2;

describe('live: the catch-up budget', function () {
  this.timeout(120_000);
  let d: LiveDaemon;
  afterEach(async () => d?.close());

  it('holds at most the budget for all catch-up clients, and a client that stops reading gives its share back', async () => {
    d = await startLiveDaemon({ tuning: { stream: { catchUpChunkBytes: CHUNK, catchUpBytesInFlight: BUDGET, catchUpStallMs: 1000 } } });
    // About 12 MB of feed: more than the kernel's buffers of a socket that is not read take (4 MiB on Linux), so the
    // clients that stop reading end up each holding a chunk of their own.
    await createTasks(d.http, 1500, 'big', 100, { description: 'd'.repeat(8 * 1024) });
    const seq = d.daemon.tracker.store.durableSeq;
    const stuck = await Promise.all(Array.from({ length: STUCK }, () => stuckConsumer(d, 0)));
    const readers = await Promise.all(Array.from({ length: READERS }, () => StreamRecorder.open(d, 0)));
    try {
      for (const reader of readers) {
        assert.equal(await reader.waitLive(60_000), seq);
        assertContiguous(reader.events, 1, seq);
        assert.equal(reader.closeCode, undefined, 'a client that reads is never dropped');
      }
      // Each stuck client was dropped once it held its chunk past the stall while the readers waited for the budget.
      await Promise.all(stuck.map((s) => s.readUntilClosed()));
      const metrics = (await d.http.get('/metrics')).text;
      assert.equal(metricValue(metrics, 'agent_tracker_stream_dropped_total', { reason: 'slow' }), STUCK);
      const peak = metricValue(metrics, 'agent_tracker_stream_catch_up_bytes_peak');
      assert.ok(peak !== undefined && peak > 0 && peak <= BUDGET, `catch-up held at most ${BUDGET} bytes at once, not ${peak}`);
    } finally {
      await Promise.all(readers.map((r) => r.close()));
    }
  });
});
