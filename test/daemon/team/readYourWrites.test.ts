/**
 * Team mode, read your writes across three daemons on one real PostgreSQL: a task created through one daemon is read
 * through the others right after the 201 (the database is asked before a 404), a listing that carries the write's seq
 * holds it, and a client whose requests land on different daemons (as behind a load balancer) reads what it wrote.
 */
import { strict as assert } from 'node:assert';
import { TrackerClient } from '../../../daemon/src/client/index.js';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { useTeamCluster, type TeamDaemon } from '../support/teamCluster.js';

describe('team mode: read your writes across daemons', function () {
  this.timeout(120_000);
  const cluster = useTeamCluster();

  it('a task created through A is read through B and C right after the 201, 50 times over', async () => {
    const { daemons } = await cluster.daemons(3);
    const [a, b, c] = daemons as [TeamDaemon, TeamDaemon, TeamDaemon];
    for (let i = 0; i < 50; i++) {
      const id = `ryw-${i}`;
      const created = await a.http.post<Task>('/v1/tasks', { id, title: `written through A ${i}` });
      assert.equal(created.status, 201, created.text);
      const seq = Number(created.headers['x-agent-tracker-seq']);
      assert.ok(seq > 0, 'the write names its seq');
      // No header at all: the daemon asks the database before it answers 404.
      const [onB, onC] = await Promise.all([b.http.get<Task>(`/v1/tasks/${id}`), c.http.get<Task>(`/v1/tasks/${id}`)]);
      assert.equal(onB.status, 200, `B, task ${i}: ${onB.text}`);
      assert.equal(onC.status, 200, `C, task ${i}: ${onC.text}`);
      assert.equal(onB.body.title, `written through A ${i}`);
      // A listing is answered from the view: with the write's seq it holds the task.
      const listed = await c.http.get<{ items: Task[] }>(`/v1/tasks?q=${encodeURIComponent(`through A ${i}`)}`, {
        headers: { 'x-agent-tracker-min-seq': String(seq) },
      });
      assert.equal(listed.status, 200, listed.text);
      assert.deepEqual(listed.body.items.map((t) => t.id), [id]);
    }
    // A task no daemon wrote is still 404, after asking.
    assert.equal((await b.http.get('/v1/tasks/never-written')).status, 404);
  });

  it('a client whose requests alternate between two daemons reads its own writes', async () => {
    const { daemons } = await cluster.daemons(2);
    const [a, b] = daemons as [TeamDaemon, TeamDaemon];
    // Every other request goes to B, with B's token: what a load balancer in front of a team does.
    let n = 0;
    const alternating: typeof fetch = (input, init) => {
      if (n++ % 2 === 0) return fetch(input, init);
      const url = new URL(input instanceof Request ? input.url : input);
      url.port = new URL(b.info.url).port;
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${b.http.token}`);
      return fetch(url, { ...init, headers });
    };
    const client = new TrackerClient({ url: a.info.url, token: a.http.token }, { fetch: alternating });
    for (let i = 0; i < 30; i++) {
      const task = await client.createTask({ title: `alternating ${i}`, tags: ['alt'] });
      const page = await client.listTasks({ tag: 'alt', limit: 1000 });
      assert.ok(page.items.some((t) => t.id === task.id), `write ${i} is in the next listing`);
      await client.transition(task.id, { to: 'active' });
      assert.equal((await client.getTask(task.id)).state, 'active', `write ${i}'s transition is read back`);
    }
  });
});
