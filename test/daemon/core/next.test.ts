/** POST /v1/agents/:id/next: priority first, then age; only unblocked pending work of a type the agent can do. */
import { strict as assert } from 'node:assert';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

describe('core: next task for an agent', function () {
  let d: TestDaemon;
  const next = async (agentId: string, claim = false) => {
    const res = await d.http.post<{ task: Task; leaseToken?: string }>(`/v1/agents/${agentId}/next`, { claim });
    return res.status === 204 ? null : (await d.http.ok(Promise.resolve(res)));
  };

  before(async () => {
    d = await startTestDaemon();
    await d.http.ok(d.http.post('/v1/agents/builder/heartbeat', { capabilities: ['build'] }));
    await d.http.ok(d.http.post('/v1/agents/anyone/heartbeat', {}));
    await d.http.ok(
      d.http.post('/v1/events', [
        { op: 'create', taskId: 'low', title: 'low', type: 'build', priority: 3 },
        { op: 'create', taskId: 'testing', title: 'wrong type', type: 'test', priority: 9 },
        { op: 'create', taskId: 'dep', title: 'dependency', type: 'test', priority: 1 },
        { op: 'create', taskId: 'blocked', title: 'blocked', priority: 9, dependsOn: ['dep'] },
        { op: 'create', taskId: 'old', title: 'older of two', type: 'build', priority: 6 },
        { op: 'create', taskId: 'new', title: 'newer of two', type: 'build', priority: 6 },
        { op: 'create', taskId: 'theirs', title: 'assigned to someone else', priority: 10, agentId: 'someone' },
        { op: 'create', taskId: 'later', title: 'not ready yet', priority: 10, state: 'backlog' },
      ]),
    );
  });
  after(async () => {
    await d?.close();
  });

  it('offers the oldest of the highest-priority matching tasks, without claiming it', async () => {
    const offer = await next('builder');
    assert.equal(offer?.task.id, 'old');
    assert.equal(offer?.leaseToken, undefined);
    assert.equal((await next('builder'))?.task.id, 'old', 'an offer changes nothing');
  });

  it('claims with claim: true and then moves on to the next one', async () => {
    const claimed = await next('builder', true);
    assert.equal(claimed?.task.id, 'old');
    assert.equal(claimed?.task.state, 'assigned');
    assert.ok(claimed?.leaseToken);
    assert.equal((await next('builder'))?.task.id, 'new');
  });

  it('matches untyped tasks and agents without capabilities to anything', async () => {
    assert.equal((await next('anyone'))?.task.id, 'testing', 'priority 9, created before the blocked one');
  });

  it('offers a blocked task once its dependency is done', async () => {
    await d.http.ok(d.http.post('/v1/tasks/dep/transition', { to: 'active', agentId: 'tester' }));
    await d.http.ok(d.http.post('/v1/tasks/dep/transition', { to: 'done' }));
    assert.equal((await next('builder'))?.task.id, 'blocked');
  });

  it('answers 204 when nothing fits', async () => {
    await d.http.ok(d.http.post('/v1/agents/painter/heartbeat', { capabilities: ['paint'] }));
    for (const id of ['blocked', 'new', 'low']) await d.http.ok(d.http.post(`/v1/tasks/${id}/transition`, { to: 'cancelled' }));
    assert.equal(await next('painter'), null);
    assert.equal(await next('builder', true), null);
  });
});
