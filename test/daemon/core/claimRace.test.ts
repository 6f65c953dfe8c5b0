/**
 * Atomic claims under contention, against the daemon as its own process: many agents claim the same tasks at the same
 * moment over separate connections, and exactly one wins each task.
 */
import { strict as assert } from 'node:assert';
import type { Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import type { HttpResponse } from '../support/http.js';
import { killDaemonProcess, startDaemonProcess, type DaemonProcess } from '../support/daemonProcess.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

const TASKS = 20;
const CLAIMERS = 60;

describe('core: claim race', function () {
  this.timeout(60_000);
  let home: string;
  let proc: DaemonProcess;

  before(async () => {
    home = makeTempHome('race');
    proc = await startDaemonProcess(home);
  });
  after(async () => {
    if (proc) await killDaemonProcess(proc);
    removeTempHome(home);
  });

  it(`${CLAIMERS} agents claiming each of ${TASKS} tasks at once: exactly one winner per task`, async () => {
    const ids = Array.from({ length: TASKS }, (_, i) => `race-${i}`);
    await proc.http.ok(proc.http.post('/v1/events', ids.map((taskId) => ({ op: 'create', taskId, title: taskId }))));
    const attempts: { taskId: string; agentId: string; res: Promise<HttpResponse<{ task: Task; leaseToken: string }>> }[] = [];
    // Interleaved by agent, so that each task's claims arrive spread over the whole burst.
    for (let a = 0; a < CLAIMERS; a++) {
      for (const taskId of ids) {
        const agentId = `claimer-${a}`;
        attempts.push({ taskId, agentId, res: proc.http.post(`/v1/tasks/${taskId}/claim`, { agentId }) });
      }
    }
    const settled = await Promise.all(attempts.map(async (a) => ({ ...a, res: await a.res })));
    for (const taskId of ids) {
      const mine = settled.filter((a) => a.taskId === taskId);
      const winners = mine.filter((a) => a.res.status === 200);
      assert.equal(winners.length, 1, `${taskId}: ${winners.length} winners`);
      for (const loser of mine.filter((a) => a.res.status !== 200)) {
        assert.equal(loser.res.status, 409, loser.res.text);
        assert.match(loser.res.text, /"code":"already_claimed"/);
      }
      const winner = winners[0] as (typeof winners)[number];
      const task = await proc.http.ok(proc.http.get<Task>(`/v1/tasks/${taskId}`));
      assert.deepEqual([task.state, task.agentId, task.lease?.agentId, task.attempts], ['assigned', winner.agentId, winner.agentId, 0]);
      assert.equal(task.lease?.token, winner.res.body.leaseToken);
      const events = await proc.http.ok(proc.http.get<{ items: TrackerEvent[] }>(`/v1/tasks/${taskId}/events`));
      assert.equal(events.items.filter((e) => e.type === 'task.claimed').length, 1);
    }
  });

  it('50 agents asking for their next task with claim: each task goes to one agent', async () => {
    const ids = Array.from({ length: TASKS }, (_, i) => `next-${i}`);
    await proc.http.ok(proc.http.post('/v1/events', ids.map((taskId) => ({ op: 'create', taskId, title: taskId }))));
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, a) => proc.http.post<{ task: Task; leaseToken: string }>(`/v1/agents/next-agent-${a}/next`, { claim: true })),
    );
    const claimed = answers.filter((res) => res.status === 200).map((res) => res.body.task.id);
    assert.deepEqual([...claimed].sort(), [...ids].sort(), 'every task claimed exactly once');
    assert.equal(answers.filter((res) => res.status === 204).length, 30);
  });
});
