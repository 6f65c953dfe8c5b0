/**
 * Durability under `kill -9`: the daemon (its own process, the real CLI) takes concurrent creates and updates and is
 * killed with SIGKILL at a random moment, several rounds on one home. After each restart every acknowledged create and
 * update is there, registry.json parses, and the global feed is gap-free from seq 1.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import type { HttpClient } from '../support/http.js';
import { killDaemonProcess, startDaemonProcess, type DaemonProcess } from '../support/daemonProcess.js';
import { pollUntil } from '../../support/poll.js';
import { assertReplayConsistent } from '../support/replayLaw.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

const ROUNDS = 5;
const WORKERS = 16;

/** What the daemon acknowledged (a 2xx): per task, the highest itemsProcessed acknowledged and the highest sent. */
interface Ledger {
  acked: Map<string, number>;
  sent: Map<string, number>;
}

/** One writer: creates a task, then updates it a few times (each update waits for the previous answer), and again. */
async function writer(http: HttpClient, name: string, ledger: Ledger, stop: { stopped: boolean }): Promise<void> {
  let n = 0;
  try {
    while (!stop.stopped) {
      const id = `${name}-${n++}`;
      ledger.sent.set(id, 0);
      const created = await http.post('/v1/tasks', { id, title: `crash test ${id}`, itemsProcessed: 0, tags: ['crash'] });
      if (created.status !== 201) throw new Error(`create ${id}: ${created.status} ${created.text}`);
      ledger.acked.set(id, 0);
      for (let v = 1; v <= 3 && !stop.stopped; v++) {
        ledger.sent.set(id, v);
        const updated = await http.patch(`/v1/tasks/${id}`, { itemsProcessed: v });
        if (updated.status !== 200) throw new Error(`update ${id}: ${updated.status} ${updated.text}`);
        ledger.acked.set(id, v);
      }
    }
  } catch (error) {
    // Once the daemon is killed its connections die, and that ends this writer; a failure before then is a finding.
    if (!stop.stopped) throw error;
  }
}

async function allEvents(http: HttpClient): Promise<TrackerEvent[]> {
  const events: TrackerEvent[] = [];
  for (;;) {
    const page = await http.ok(http.get<{ items: TrackerEvent[] }>(`/v1/events?after=${events.at(-1)?.seq ?? 0}&limit=1000`));
    if (page.items.length === 0) return events;
    events.push(...page.items);
  }
}

async function allTasks(http: HttpClient): Promise<Map<string, Task>> {
  const tasks = new Map<string, Task>();
  let cursor: string | null = null;
  do {
    const query: string = `tag=crash&limit=1000${cursor ? `&cursor=${cursor}` : ''}`;
    const page: { items: Task[]; nextCursor: string | null } = await http.ok(http.get(`/v1/tasks?${query}`));
    for (const task of page.items) tasks.set(task.id, task);
    cursor = page.nextCursor;
  } while (cursor);
  return tasks;
}

async function verify(proc: DaemonProcess, ledger: Ledger, home: string): Promise<number> {
  const tasks = await allTasks(proc.http);
  for (const [id, acked] of ledger.acked) {
    const task = tasks.get(id);
    assert.ok(task, `acknowledged create of ${id} lost`);
    assert.ok(task.itemsProcessed >= acked, `acknowledged update of ${id} lost: ${task.itemsProcessed} < ${acked}`);
    assert.ok(task.itemsProcessed <= (ledger.sent.get(id) ?? 0), `${id} holds a value never sent`);
  }
  for (const id of tasks.keys()) assert.ok(ledger.sent.has(id), `${id} was never sent`);
  const events = await allEvents(proc.http);
  events.forEach((event, i) => assert.equal(event.seq, i + 1, 'the feed has a gap or a repeat'));
  const health = await proc.http.ok(proc.http.get<{ seq: number }>('/healthz'));
  assert.equal(health.seq, events.length);
  if (existsSync(join(home, 'registry.json'))) JSON.parse(readFileSync(join(home, 'registry.json'), 'utf8'));
  // The recovered tasks still obey the replay law (a sample: the newest, where a torn batch would show).
  for (const id of [...tasks.keys()].slice(-10)) await assertReplayConsistent(proc.http, id);
  return events.length;
}

describe('core: kill -9 under write load', function () {
  this.timeout(120_000);
  let home: string;
  let proc: DaemonProcess | undefined;

  before(() => {
    home = makeTempHome('crash');
  });
  after(async () => {
    if (proc) await killDaemonProcess(proc);
    removeTempHome(home);
  });

  it(`keeps every acknowledged write over ${ROUNDS} rounds of SIGKILL and restart`, async () => {
    const ledger: Ledger = { acked: new Map(), sent: new Map() };
    let lastSeq = 0;
    for (let round = 0; round < ROUNDS; round++) {
      proc = await startDaemonProcess(home);
      const seq = await verify(proc, ledger, home);
      assert.ok(seq >= lastSeq, 'the log went backwards');
      const stop = { stopped: false };
      const ackedBefore = ledger.acked.size;
      const writers = Promise.all(Array.from({ length: WORKERS }, (_, w) => writer(proc!.http, `r${round}w${w}`, ledger, stop)));
      // Kill only once the load is really running, at a random point of it; a writer failing before then fails the test.
      await Promise.race([
        pollUntil('writes to be acknowledged', () => (ledger.acked.size >= ackedBefore + 20 ? true : undefined), 20_000, 5),
        writers.then(() => Promise.reject(new Error('the writers stopped before the kill'))),
      ]);
      await delay(Math.floor(Math.random() * 300));
      stop.stopped = true;
      proc.kill('SIGKILL');
      const exit = await proc.exited;
      assert.equal(exit.signal, 'SIGKILL');
      await writers;
      if (existsSync(join(home, 'registry.json'))) JSON.parse(readFileSync(join(home, 'registry.json'), 'utf8'));
      lastSeq = seq;
    }
    proc = await startDaemonProcess(home);
    const finalSeq = await verify(proc, ledger, home);
    assert.ok(ledger.acked.size > ROUNDS * 20, `too little load: ${ledger.acked.size} tasks acknowledged`);
    assert.ok(finalSeq >= ledger.acked.size);
  });
});
