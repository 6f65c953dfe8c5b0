import assert from 'node:assert/strict';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';
import { runCli } from '../support/runCli.js';

describe('cli: demo', function () {
  this.timeout(60_000);
  const daemon = useDaemonProcess(['--agent-timeout-ms', '1500']);

  it('runs a fleet with dependencies, a failure and its retry, and a silent agent whose task gets stuck; the user\'s own tasks are left alone', async () => {
    // A real home has the user's own work in it, some of it of the very types the demo's agents do, one tagged "demo".
    const own = [
      await daemon.client.createTask({ title: 'My own pending task' }),
      await daemon.client.createTask({ title: 'My own code task', type: 'code', priority: 10 }),
      await daemon.client.createTask({ title: 'My own task tagged demo', type: 'design', tags: ['demo'], priority: 10 }),
    ];
    const result = await runCli(
      ['demo', '--home', daemon.home, '--agents', '3', '--duration', '20', '--step-ms', '150', '--lease-ms', '1500'],
      { timeoutMs: 45_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /demo: 3 agents/);
    assert.match(result.stdout, /STUCK/, 'the narration shows the stuck task');
    assert.match(result.stdout, /demo stopped: \d+ done/);

    const agents = (await daemon.client.listAgents()).items;
    assert.equal(agents.filter((a) => a.id.startsWith('demo-agent-')).length, 3);
    assert.equal(agents.find((a) => a.id === 'demo-agent-3')?.status, 'offline', 'the silent agent is offline');

    const tasks = await daemon.client.listAllTasks({ tag: 'demo' });
    assert.ok(tasks.length >= 7, `tasks created (${tasks.length})`);
    assert.ok(tasks.some((t) => t.dependsOn.length > 0), 'with dependencies');
    assert.ok(tasks.some((t) => t.state === 'done'), 'some work finished');
    const stuck = tasks.filter((t) => t.stuck);
    assert.equal(stuck.length, 1, 'exactly the silent agent\'s task is stuck');
    assert.equal(stuck[0]?.agentId, 'demo-agent-3');
    const retried = tasks.find((t) => t.title === 'Write integration tests' && t.attempts >= 2);
    assert.ok(retried, 'the flaky task was retried');
    assert.ok(retried.errors.length >= 1, 'and its failure is recorded');
    assert.equal(retried.state, 'done');
    assert.ok(!tasks.some((t) => ['active', 'assigned'].includes(t.state) && !t.stuck), 'nothing else left running');
    for (const task of own) {
      const after = await daemon.client.getTask(task.id);
      assert.equal(after.state, 'pending', `${task.title} untouched`);
      assert.equal(after.agentId, null, `${task.title} never claimed`);
      assert.equal(after.attempts, 0);
    }
  });
});
