/**
 * Team mode under faults: `kill -9` of a daemon loses nothing it acknowledged; the daemon running stuck detection
 * dies and another takes over; PostgreSQL stops (503, nothing half-written) and comes back (writes resume without a
 * restart). And a file-store backup restores into a fresh database.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { readBackup } from '../../../daemon/src/store/backup.js';
import { MIGRATIONS } from '../../../daemon/src/store/postgres/migrations/index.js';
import { allEvents, allTasks, assertServesBackup, seedRegistry } from '../support/backupFixtures.js';
import { killDaemonProcess } from '../support/daemonProcess.js';
import type { HttpClient } from '../support/http.js';
import { assertReplayConsistent } from '../support/replayLaw.js';
import { cliEnv, runCli } from '../support/runCli.js';
import { useTeamCluster, type TeamDaemon } from '../support/teamCluster.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';
import { startTestDaemon } from '../support/testDaemon.js';
import { pollUntil } from '../../support/poll.js';

interface HealthBody {
  seq: number;
  store: { kind: string; ok: boolean; message?: string };
}

async function health(http: HttpClient): Promise<HealthBody> {
  return http.ok(http.get<HealthBody>('/healthz'));
}

function assertGapFree(feed: readonly TrackerEvent[]): void {
  assert.deepEqual(feed.map((e) => e.seq), Array.from({ length: feed.length }, (_, i) => i + 1), 'gap-free from 1');
}

describe('team mode: faults', function () {
  this.timeout(180_000);
  const cluster = useTeamCluster();

  it('kill -9 of a daemon under load loses nothing it acknowledged', async () => {
    const { daemons } = await cluster.daemons(2);
    const [victim, survivor] = daemons as [TeamDaemon, TeamDaemon];
    const acked = new Set<string>();
    let killed = false;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let n = 0; !killed; n++) {
        const id = `load-${w}-${n}`;
        const res = await victim.http.post('/v1/tasks', { id, title: id }).catch(() => undefined);
        if (res?.status === 201) acked.add(id);
        else if (!killed) throw new Error(`create ${id}: ${res?.status} ${res?.text}`);
      }
    });
    await pollUntil('load under way', () => (acked.size >= 40 ? true : undefined), 30_000);
    victim.kill('SIGKILL');
    killed = true;
    await Promise.all(writers);
    await victim.exited;
    const tasks = new Set((await allTasks(survivor.http)).map((t) => t.id));
    for (const id of acked) assert.ok(tasks.has(id), `acknowledged ${id} survived`);
    assertGapFree(await allEvents(survivor.http));
  });

  it('after kill -9 of the daemon running stuck detection, a lease that runs out is still flagged within seconds', async () => {
    const { daemons } = await cluster.daemons(3);
    const leader = await pollUntil('one leader', async () => {
      const states = await Promise.all(daemons.map(async (d) => ({ d, h: await health(d.http) })));
      const leaders = states.filter((s) => s.h.store.message?.includes('leader'));
      return leaders.length === 1 ? leaders[0]?.d : undefined;
    }, 15_000);
    const others = daemons.filter((d) => d !== leader);
    const [worker] = others as [TeamDaemon];
    await worker.http.ok(worker.http.post('/v1/tasks', { id: 'leased', title: 'a lease that runs out' }));
    const claimed = await worker.http.ok(worker.http.post<{ task: Task }>('/v1/tasks/leased/claim', { agentId: 'quiet-agent', leaseMs: 3000 }));
    if (claimed.task.state === 'assigned') await worker.http.ok(worker.http.post('/v1/tasks/leased/transition', { to: 'active', agentId: 'quiet-agent' }));
    await killDaemonProcess(leader);
    const started = Date.now();
    const stuck = await pollUntil('the task flagged stuck', async () => {
      const task = await worker.http.ok(worker.http.get<Task>('/v1/tasks/leased'));
      return task.stuck ?? undefined;
    }, 15_000, 100);
    assert.equal(stuck.reason, 'lease_expired');
    // 3 s of lease, then at most 5 s for another daemon to take over and flag it.
    assert.ok(Date.now() - started <= 3000 + 5000 + 1000, `flagged after ${Date.now() - started} ms`);
    const newLeaders = await Promise.all(others.map(async (d) => (await health(d.http)).store.message?.includes('leader')));
    assert.equal(newLeaders.filter(Boolean).length, 1, 'exactly one daemon leads again');
  });

  it('PostgreSQL going away: 503 and nothing half-written; back again: writes resume without a restart', async () => {
    const { daemons } = await cluster.daemons(2);
    const [a, b] = daemons as [TeamDaemon, TeamDaemon];
    await a.http.ok(a.http.post('/v1/tasks', { id: 'before-outage', title: 'before' }));
    await cluster.postgres.stop();
    try {
      const refused = await a.http.post('/v1/tasks', { id: 'during-outage', title: 'during' });
      assert.equal(refused.status, 503, refused.text);
      assert.equal((refused.body as { error: { code: string } }).error.code, 'unavailable');
      const unhealthy = await a.http.get<HealthBody>('/healthz');
      assert.equal(unhealthy.body.store.ok, false);
    } finally {
      await cluster.postgres.start();
    }
    const created = await pollUntil('writes to resume', async () => {
      const res = await a.http.post<Task>('/v1/tasks', { id: 'after-outage', title: 'after' });
      return res.status === 201 ? res.body : undefined;
    }, 20_000, 200);
    assert.equal(created.id, 'after-outage');
    await b.http.ok(b.http.post('/v1/tasks', { id: 'after-outage-b', title: 'after, through B' }));
    await pollUntil('both daemons see both', async () => {
      for (const d of daemons) {
        for (const id of ['after-outage', 'after-outage-b']) if ((await d.http.get(`/v1/tasks/${id}`)).status !== 200) return undefined;
      }
      return true;
    });
    for (const d of daemons) {
      assert.equal((await d.http.get('/v1/tasks/during-outage')).status, 404, 'the refused create left nothing');
      const feed = await allEvents(d.http);
      assertGapFree(feed);
      assert.ok(!feed.some((e) => e.taskId === 'during-outage'));
      await assertReplayConsistent(d.http, 'after-outage');
    }
  });

  it('a backup of a file-store home restores into a fresh database with every task and a consistent replay', async () => {
    const source = await startTestDaemon({ settings: { retentionDays: 0 } });
    const dir = makeTempHome('team-backup');
    try {
      await seedRegistry(source.http);
      const file = join(dir, 'laptop.backup');
      writeFileSync(file, (await source.http.get('/v1/backup')).text);
      const image = readBackup(file);
      const url = await cluster.database();
      const restored = await runCli(['restore', file, '--store', url], { env: cliEnv() });
      assert.equal(restored.code, 0, restored.stderr);
      const again = await runCli(['restore', file, '--store', url], { env: cliEnv() });
      assert.equal(again.code, 1, 'a database holding a registry is refused');
      assert.match(again.stderr, /already holds a registry/);
      const daemon = await cluster.daemon(url);
      await assertServesBackup(daemon.http, image);
      const inUse = await runCli(['restore', file, '--store', url, '--force'], { env: cliEnv() });
      assert.equal(inUse.code, 1, 'a database a daemon runs on is refused');
      assert.match(inUse.stderr, /a daemon is running/);
      // And back: the database's backup restores into a new home.
      const back = join(dir, 'team.backup');
      const backup = await runCli(['backup', '--out', back, '--home', daemon.home], { env: cliEnv() });
      assert.equal(backup.code, 0, backup.stderr);
      const home = join(dir, 'home-again');
      assert.equal((await runCli(['restore', back, '--home', home], { env: cliEnv() })).code, 0);
      const local = await startTestDaemon({ home, settings: { retentionDays: 0 } });
      try {
        await assertServesBackup(local.http, readBackup(back));
      } finally {
        await local.stop();
      }
    } finally {
      await source.close();
      removeTempHome(dir);
    }
  });

  it('agent-tracker db migrate brings a new database to the current schema, once', async () => {
    const url = await cluster.database();
    const first = await runCli(['db', 'migrate', '--store', url, '--json'], { env: cliEnv() });
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual((JSON.parse(first.stdout) as { applied: number[] }).applied, MIGRATIONS.map((m) => m.version));
    const second = await runCli(['db', 'migrate', '--store', url, '--json'], { env: cliEnv() });
    assert.deepEqual((JSON.parse(second.stdout) as { applied: number[]; version: number }).applied, []);
    const usage = await runCli(['db', 'migrate', '--store', 'mysql://nope'], { env: cliEnv() });
    assert.equal(usage.code, 2);
  });
});
