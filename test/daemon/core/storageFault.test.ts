/**
 * 503 `unavailable` from a real storage fault: the daemon runs under a file-size limit (RLIMIT_FSIZE), so once its
 * event log reaches it the kernel refuses the write (EFBIG) exactly as a full disk would. The write that failed was
 * not acknowledged and must leave no trace; everything acknowledged before it stays; reads keep working.
 */
import { strict as assert } from 'node:assert';
import type { Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { expectError, type HttpClient, type HttpResponse } from '../support/http.js';
import { killDaemonProcess, startDaemonProcess, type DaemonProcess } from '../support/daemonProcess.js';
import { pollUntil } from '../../support/poll.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

/** 64 blocks of 512 bytes: room for a few dozen task.created events. */
const LIMIT_BLOCKS = 64;

async function feed(http: HttpClient): Promise<number[]> {
  const page = await http.ok(http.get<{ items: TrackerEvent[] }>('/v1/events?after=0&limit=1000'));
  return page.items.map((e) => e.seq);
}

describe('core: a storage fault answers 503 and records nothing', function () {
  this.timeout(60_000);
  let home: string;
  let proc: DaemonProcess | undefined;

  before(() => {
    home = makeTempHome('fault');
  });
  after(async () => {
    if (proc) await killDaemonProcess(proc);
    removeTempHome(home);
  });

  it('refuses the write that does not fit, keeps what was acknowledged, and recovers after a restart', async () => {
    proc = await startDaemonProcess(home, { fileSizeBlocks: LIMIT_BLOCKS });
    const acked: string[] = [];
    let refused: { id: string; res: HttpResponse<unknown> } | undefined;
    for (let i = 0; i < 500 && !refused; i++) {
      const id = `fault-${i}`;
      const res = await proc.http.post('/v1/tasks', { id, title: `Task ${i}`, description: 'x'.repeat(200) }, { idempotencyKey: `key-${id}` });
      if (res.status === 201) acked.push(id);
      else refused = { id, res };
    }
    assert.ok(refused, 'the file-size limit was never reached');
    assert.ok(acked.length >= 5, `only ${acked.length} writes fit under the limit`);
    expectError(refused.res, 503, 'unavailable');

    // The daemon rebuilds its registry from the disk: the refused task disappears, the acknowledged ones stay.
    const http = proc.http;
    await pollUntil('the refused task to be forgotten', async () => ((await http.get(`/v1/tasks/${refused.id}`)).status === 404 ? true : undefined));
    for (const id of acked) await http.ok(http.get<Task>(`/v1/tasks/${id}`));
    const seqs = await feed(http);
    assert.deepEqual(seqs, acked.map((_, i) => i + 1), 'the feed holds exactly the acknowledged events');
    assert.equal((await http.ok(http.get<{ seq: number }>('/healthz'))).seq, acked.length);

    // Still full: still refused, still readable, still alive.
    const again = await http.post('/v1/tasks', { id: 'fault-again', title: 'Again', description: 'x'.repeat(2000) });
    expectError(again, 503, 'unavailable');
    await http.ok(http.get('/v1/stats'));
    assert.equal(proc.child.exitCode, null, 'the daemon did not crash');
    assert.match(proc.stderr(), /event log write failed/);

    // Room again (a restart without the limit): the refused request can be retried with its key; nothing was stored.
    proc.kill('SIGKILL');
    await proc.exited;
    proc = await startDaemonProcess(home);
    for (const id of acked) await proc.http.ok(proc.http.get<Task>(`/v1/tasks/${id}`));
    const retried = await proc.http.post<Task>('/v1/tasks', { id: refused.id, title: `Task ${acked.length}`, description: 'x'.repeat(200) }, {
      idempotencyKey: `key-${refused.id}`,
    });
    assert.equal(retried.status, 201, retried.text);
    assert.equal(retried.headers['idempotent-replayed'], undefined, 'the refused attempt stored no response');
    const after = await feed(proc.http);
    after.forEach((seq, i) => assert.equal(seq, i + 1, 'gap in the feed after the fault'));
  });
});
