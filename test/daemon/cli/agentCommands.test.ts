import assert from 'node:assert/strict';
import type { Agent, Task } from '../../../daemon/src/protocol/index.js';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';
import { runCli } from '../support/runCli.js';
import { pollUntil } from '../../support/poll.js';

describe('cli: agent, next and status', function () {
  // Each CLI call is a fresh Node process; on a loaded machine a handful of them take seconds.
  this.timeout(60_000);
  const daemon = useDaemonProcess();
  const cli = (...args: string[]) => runCli([...args, '--home', daemon.home]);

  it('agent list shows agents as a table and as JSON', async () => {
    await daemon.client.heartbeatAgent('builder', { name: 'Build bot', capabilities: ['build'] });
    const human = await cli('agent', 'list');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^ID\s+STATUS\s+LAST SEEN\s+CAPABILITIES\s+NAME$/m);
    assert.match(human.stdout, /^builder\s+\w+\s+\d+s ago\s+build\s+Build bot$/m);
    const { items } = JSON.parse((await cli('agent', 'list', '--json')).stdout) as { items: Agent[] };
    assert.equal(items[0]?.id, 'builder');
  });

  it('next shows the task for an agent, claims it with --claim, and says when there is nothing', async () => {
    await daemon.client.createTask({ title: 'Compile', type: 'build', id: 'compile' });
    const look = await cli('next', '--agent', 'builder');
    assert.equal(look.code, 0, look.stderr);
    assert.match(look.stdout, /^id:\s+compile$/m);
    const claimed = JSON.parse((await cli('next', '--agent', 'builder', '--claim', '--lease-ms', '1000', '--json')).stdout) as {
      task: Task;
      leaseToken: string;
    };
    assert.equal(claimed.task.id, 'compile');
    assert.ok(claimed.leaseToken);
    const none = await cli('next', '--agent', 'builder');
    assert.equal(none.code, 0);
    assert.match(none.stdout, /nothing to do for builder/);
    assert.equal((await cli('next', '--agent', 'builder', '--json')).stdout.trim(), 'null');
    assert.equal((await cli('next')).code, 2, '--agent is required');
  });

  it('status shows the daemon, agents and the stuck task once its lease runs out', async () => {
    await pollUntil('the claim to go stuck', async () => (await daemon.client.active()).items.some((t) => t.id === 'compile' && t.stuck) || undefined);
    const result = await cli('status');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^daemon\\s+${daemon.url.replace(/[.]/g, '\\.')}\\s+v\\S+\\s+seq \\d+`, 'm'));
    assert.match(result.stdout, /^agents\s+1 \(1 (online|busy|idle)\)$/m);
    assert.match(result.stdout, /^stuck\s+1$/m);
    assert.match(result.stdout, /^compile\s+lease_expired/m);
    const status = JSON.parse((await cli('status', '--json')).stdout) as { daemon: { ok: boolean }; active: Task[] };
    assert.equal(status.daemon.ok, true);
    assert.ok(status.active.some((t) => t.id === 'compile' && t.stuck));
  });

  it('agent reset moves the agent\'s tasks and reports them', async () => {
    const result = await cli('agent', 'reset', 'builder', '--to', 'pending', '--reason', 'bot restarted');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^reset builder: 1 task\(s\) -> pending/);
    assert.match(result.stdout, /compile: pending/);
    assert.equal((await daemon.client.getTask('compile')).state, 'pending');
    assert.equal((await cli('agent', 'reset', 'builder', '--to', 'done', '--reason', 'x')).code, 2, 'not a reset target');
    assert.equal((await cli('agent', 'reset', 'builder', '--to', 'failed')).code, 2, '--reason is required');
  });
});
