/**
 * Team mode, conflicts cost what they touch: three daemons write to the same 50 tasks at once, so commits keep being
 * refused because another daemon moved a task first. Each refused command is decided again on fresh copies of the
 * tasks it touched, never by reloading the whole view: every `/healthz` meanwhile answers ok within a second, no write
 * fails for want of the store, and no acknowledged change is lost.
 */
import { strict as assert } from 'node:assert';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { assertReplayConsistent } from '../support/replayLaw.js';
import { useTeamCluster, type TeamDaemon } from '../support/teamCluster.js';

const TASKS = 50;
const WRITERS_PER_DAEMON = 8;
const WRITES_PER_WRITER = 30;

interface Probe {
  ms: number;
  ok: boolean;
  message?: string;
}

describe('team mode: conflicting writes from three daemons', function () {
  this.timeout(180_000);
  const cluster = useTeamCluster();

  it('a burst on the same 50 tasks: every /healthz ok within 1 s, nothing acknowledged lost', async () => {
    const { daemons } = await cluster.daemons(3);
    const [a] = daemons as [TeamDaemon];
    const ids = Array.from({ length: TASKS }, (_, i) => `hot-${i}`);
    let seq = 0;
    for (const id of ids) {
      const res = await a.http.post<Task>('/v1/tasks', { id, title: id });
      assert.equal(res.status, 201, res.text);
      seq = Number(res.headers['x-agent-tracker-seq']);
    }
    const versionsBefore = new Map<string, number>();
    for (const d of daemons) {
      const page = await d.http.ok(d.http.get<{ items: Task[] }>('/v1/tasks?q=hot-&limit=1000', { headers: { 'x-agent-tracker-min-seq': String(seq) } }));
      assert.equal(page.items.length, TASKS);
      for (const task of page.items) versionsBefore.set(task.id, task.version);
    }

    let writing = true;
    const probes: Probe[] = [];
    const prober = (async () => {
      while (writing) {
        await Promise.all(daemons.map(async (d) => {
          const started = performance.now();
          const res = await d.http.get<{ ok: boolean; store: { message?: string } }>('/healthz');
          probes.push({ ms: performance.now() - started, ok: res.status === 200 && res.body.ok, message: res.body.store?.message });
        }));
      }
    })();

    const acknowledged = new Map<string, number>(ids.map((id) => [id, 0]));
    const statuses = new Map<number, number>();
    let n = 0;
    await Promise.all(daemons.flatMap((d) => Array.from({ length: WRITERS_PER_DAEMON }, async (_, w) => {
      for (let i = 0; i < WRITES_PER_WRITER; i++) {
        const id = ids[(w * 7 + i * 13 + n++) % TASKS] as string;
        const res = await d.http.patch<Task>(`/v1/tasks/${id}`, { description: `write ${n} by ${d.info.port}/${w}` });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200) acknowledged.set(id, (acknowledged.get(id) ?? 0) + 1);
        else assert.equal(res.status, 409, `a write answered ${res.status}: ${res.text}`);
      }
    })));
    writing = false;
    await prober;

    const slowest = Math.max(...probes.map((p) => p.ms));
    const notOk = probes.filter((p) => !p.ok);
    assert.deepEqual(notOk, [], `every /healthz ok during the burst (${notOk.length} of ${probes.length} were not)`);
    assert.ok(slowest < 1000, `the slowest /healthz took ${Math.round(slowest)} ms`);
    assert.ok(probes.length >= 3, 'the daemons were probed during the burst');
    const succeeded = statuses.get(200) ?? 0;
    assert.ok(succeeded >= daemons.length * WRITERS_PER_DAEMON * WRITES_PER_WRITER * 0.9, `writes answered: ${JSON.stringify([...statuses])}`);

    // Every acknowledged change is in the database: each one moved its task's version by one, on every daemon.
    const last = Math.max(...(await Promise.all(daemons.map(async (d) => (await d.http.ok(d.http.get<{ seq: number }>('/healthz'))).seq))));
    for (const d of daemons) {
      const page = await d.http.ok(d.http.get<{ items: Task[] }>('/v1/tasks?q=hot-&limit=1000', { headers: { 'x-agent-tracker-min-seq': String(last) } }));
      for (const task of page.items) {
        assert.equal(task.version, (versionsBefore.get(task.id) ?? 0) + (acknowledged.get(task.id) ?? 0), `${task.id} on ${d.info.port}`);
      }
    }
    for (const id of ids.slice(0, 5)) for (const d of daemons) await assertReplayConsistent(d.http, id);
  });
});
