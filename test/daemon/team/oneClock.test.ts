/**
 * Team mode, one clock: a daemon whose machine's clock is minutes off (run under libfaketime, Debian's `faketime`)
 * decides leases, expiry and stuck on the database's time. Its agents' heartbeats do not look minutes old to the
 * daemon that runs stuck detection, a lease it grants expires on time, `/healthz` says how far off its clock is and
 * its log warns.
 */
import { strict as assert } from 'node:assert';
import type { Agent, Task } from '../../../daemon/src/protocol/index.js';
import { skewedClock } from '../../support/fakeClock.js';
import { holdsFor, pollUntil } from '../../support/poll.js';
import { useTeamCluster } from '../support/teamCluster.js';

interface Health {
  ok: boolean;
  clockSkewMs?: number;
}

const FIVE_MINUTES = 5 * 60_000;

describe('team mode: one clock (the database\'s)', function () {
  this.timeout(120_000);
  const cluster = useTeamCluster();

  it('a daemon 5 minutes behind: its agents stay online on the leader, its times are the database\'s, it warns', async () => {
    const url = await cluster.database();
    // The first daemon takes the lead, so stuck detection runs on a daemon whose clock is right.
    const leader = await cluster.daemon(url, ['--agent-timeout-ms', '20000']);
    const behind = await cluster.daemon(url, ['--agent-timeout-ms', '20000'], skewedClock('-5m'));

    const health = await behind.http.ok(behind.http.get<Health>('/healthz'));
    assert.ok(health.ok);
    assert.ok(Math.abs((health.clockSkewMs ?? 0) + FIVE_MINUTES) < 10_000, `clockSkewMs ${health.clockSkewMs}`);
    const leaderHealth = await leader.http.ok(leader.http.get<Health>('/healthz'));
    assert.ok(Math.abs(leaderHealth.clockSkewMs ?? Number.NaN) < 1000, `leader's clockSkewMs ${leaderHealth.clockSkewMs}`);
    await pollUntil('the skew warning in the log', () => (/clock is \d+ ms behind the database's/.test(behind.stderr()) ? true : undefined));
    assert.doesNotMatch(leader.stderr(), /behind the database's|ahead of the database's/);

    await behind.http.ok(behind.http.post('/v1/agents/behind-agent/heartbeat', { name: 'behind' }));
    const task = await behind.http.ok(behind.http.post<Task>('/v1/tasks', { id: 'behind-work', title: 'worked from behind' }));
    assert.ok(Math.abs(Date.parse(task.createdAt) - Date.now()) < 10_000, `createdAt ${task.createdAt} is the database's time`);
    await behind.http.ok(behind.http.post('/v1/tasks/behind-work/claim', { agentId: 'behind-agent', leaseMs: 60_000 }));
    await pollUntil('the claim on the leader', async () => {
      const seen = await leader.http.get<Task>('/v1/tasks/behind-work');
      return seen.status === 200 && seen.body.state === 'assigned' ? true : undefined;
    });
    // The leader sweeps four times a second: with the machine's own time the agent would be 5 minutes silent at once.
    await holdsFor('the agent not offline and its task not stuck on the leader', async () => {
      const agents = await leader.http.ok(leader.http.get<{ items: Agent[] }>('/v1/agents'));
      const seen = await leader.http.ok(leader.http.get<Task>('/v1/tasks/behind-work'));
      const status = agents.items.find((a) => a.id === 'behind-agent')?.status;
      return status !== undefined && status !== 'offline' && seen.stuck === null;
    }, 3000);
  });

  it('a daemon 5 minutes ahead: a lease it grants expires on time and the leader flags it', async () => {
    const url = await cluster.database();
    const leader = await cluster.daemon(url);
    const ahead = await cluster.daemon(url, [], skewedClock('+5m'));
    const health = await ahead.http.ok(ahead.http.get<Health>('/healthz'));
    assert.ok(Math.abs((health.clockSkewMs ?? 0) - FIVE_MINUTES) < 10_000, `clockSkewMs ${health.clockSkewMs}`);
    await pollUntil('the skew warning in the log', () => (/clock is \d+ ms ahead of the database's/.test(ahead.stderr()) ? true : undefined));

    await ahead.http.ok(ahead.http.post('/v1/tasks', { id: 'ahead-work', title: 'leased from ahead' }));
    const claimed = await ahead.http.ok(
      ahead.http.post<{ task: Task }>('/v1/tasks/ahead-work/claim', { agentId: 'ahead-agent', leaseMs: 1000 }),
    );
    const expiresAt = Date.parse(claimed.task.lease?.expiresAt ?? '');
    assert.ok(expiresAt - Date.now() < 10_000, `the lease ends at ${claimed.task.lease?.expiresAt}, on the database's clock`);
    const stuck = await pollUntil('the expired lease flagged by the leader', async () => {
      const seen = await leader.http.ok(leader.http.get<Task>('/v1/tasks/ahead-work'));
      return seen.stuck?.reason === 'lease_expired' ? seen.stuck : undefined;
    }, 15_000);
    assert.equal(stuck.reason, 'lease_expired');
  });
});
