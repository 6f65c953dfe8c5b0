/**
 * Team mode operations: `agent-tracker db status` shows the schema version, the registry's seq, the leader and every
 * daemon on the database with its lag; when the leader dies (kill -9) another daemon takes the lead and the status
 * says so; a daemon that stops leaves the list.
 */
import { strict as assert } from 'node:assert';
import type { TeamStatus } from '../../../daemon/src/store/postgres/teamStatus.js';
import { MIGRATIONS } from '../../../daemon/src/store/postgres/migrations/index.js';
import { pollUntil } from '../../support/poll.js';
import { killDaemonProcess, stopDaemonProcess } from '../support/daemonProcess.js';
import { cliEnv, runCli } from '../support/runCli.js';
import { useTeamCluster, type TeamDaemon } from '../support/teamCluster.js';

async function dbStatus(url: string): Promise<TeamStatus> {
  const result = await runCli(['db', 'status', '--store', url, '--json'], { env: cliEnv() });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as TeamStatus;
}

describe('team mode: agent-tracker db status', function () {
  this.timeout(120_000);
  const cluster = useTeamCluster();

  it('shows the schema version, the leader and each daemon with its lag; follows a failover and a stop', async () => {
    const { url, daemons } = await cluster.daemons(3);
    const [first, second, third] = daemons as [TeamDaemon, TeamDaemon, TeamDaemon];
    for (let i = 0; i < 20; i++) await first.http.ok(first.http.post('/v1/tasks', { title: `status ${i}` }));
    const seq = (await first.http.ok(first.http.get<{ seq: number }>('/healthz'))).seq;

    const status = await pollUntil('every daemon caught up in db status', async () => {
      const s = await dbStatus(url);
      return s.daemons.length === 3 && s.daemons.every((d) => d.lagEvents === 0 && d.seq >= seq) ? s : undefined;
    });
    assert.equal(status.schemaVersion, MIGRATIONS.at(-1)?.version);
    assert.ok(status.seq >= seq);
    assert.equal(status.leaderLockHeld, true);
    assert.equal(status.leader?.home, first.home, 'the first daemon leads');
    assert.deepEqual(status.daemons.map((d) => d.home).sort(), daemons.map((d) => d.home).sort());
    assert.deepEqual(status.daemons.filter((d) => d.leader).map((d) => d.pid), [first.pid]);

    const human = await runCli(['db', 'status', '--store', url], { env: cliEnv() });
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /schema version \d+/);
    assert.match(human.stdout, new RegExp(`leader: \\S+ ${first.home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(pid ${first.pid}\\)`));
    assert.match(human.stdout, /HOST\s+HOME\s+PID\s+VERSION\s+SEEN\s+LAG\s+ROLE/);

    await killDaemonProcess(first);
    const failedOver = await pollUntil('another daemon leads', async () => {
      const s = await dbStatus(url);
      return s.leader && s.leader.pid !== first.pid ? s : undefined;
    }, 30_000, 200);
    assert.ok([second.pid, third.pid].includes(failedOver.leader?.pid ?? -1));

    await stopDaemonProcess(third);
    const afterStop = await dbStatus(url);
    assert.ok(!afterStop.daemons.some((d) => d.pid === third.pid), 'a daemon that stopped is no longer listed');
  });

  it('a database without the schema says version 0 and no daemons', async () => {
    const url = await cluster.database();
    const status = await dbStatus(url);
    assert.equal(status.schemaVersion, 0);
    assert.deepEqual(status.daemons, []);
    assert.equal(status.leader, null);
  });
});
