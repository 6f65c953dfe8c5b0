import assert from 'node:assert/strict';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';
import { CLI_PATH } from '../support/daemonProcess.js';
import { cliEnv, runCli, spawnCli } from '../support/runCli.js';
import { pollUntil } from '../../support/poll.js';

describe('cli: run', function () {
  // Each CLI call is a fresh Node process; on a loaded machine a handful of them take seconds each.
  this.timeout(120_000);
  /** Deadlines for a CLI process to get going, with room for a loaded machine. */
  const CLI_DEADLINE_MS = 45_000;
  const daemon = useDaemonProcess();

  const tasksOf = async (agentId: string): Promise<Task[]> => (await daemon.client.listTasks({ agentId })).items;

  it('passes output and exit 0 through, ends the task done with the exit status and duration', async () => {
    const script = 'for i in 1 2 3 4 5; do echo "line $i"; done; echo "warning" >&2';
    const result = await runCli(['run', '--home', daemon.home, '--agent', 'runner-ok', '--title', 'five lines', '--', 'sh', '-c', script]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'line 1\nline 2\nline 3\nline 4\nline 5\n');
    assert.match(result.stderr, /^warning$/m);
    const [task] = await tasksOf('runner-ok');
    assert.ok(task);
    assert.equal(task.title, 'five lines');
    assert.equal(task.state, 'done');
    assert.equal(task.result?.exitCode, 0);
    assert.equal(typeof task.result?.durationMs, 'number');
    const logs = (await daemon.client.taskEvents(task.id)).items.filter((e) => e.type === 'task.log');
    const text = logs.map((e) => String(e.data.message)).join('\n');
    assert.match(text, /line 5/);
    assert.match(text, /warning/);
    assert.ok(logs.length <= 3, `output coalesced into few log events (got ${logs.length})`);
  });

  it('exits with the command\'s failing status and ends the task failed', async () => {
    const result = await runCli(['run', '--home', daemon.home, '--agent', 'runner-bad', '--', 'sh', '-c', 'echo oops; exit 7']);
    assert.equal(result.code, 7);
    assert.equal(result.stdout, 'oops\n');
    const [task] = await tasksOf('runner-bad');
    assert.equal(task?.state, 'failed');
    assert.equal(task?.result?.exitCode, 7);
    assert.match(task?.lastError?.message ?? '', /status 7/);
    assert.equal(task?.title, 'sh -c echo oops; exit 7', 'the command line is the default title');
  });

  it('--json prints the final task and the exit code last', async () => {
    const result = await runCli(['run', '--home', daemon.home, '--agent', 'runner-json', '--json', '--', 'node', '-e', 'process.exit(3)']);
    assert.equal(result.code, 3);
    const summary = JSON.parse(result.stdout) as { task: Task; exitCode: number };
    assert.equal(summary.exitCode, 3);
    assert.equal(summary.task.state, 'failed');
  });

  it('a command that cannot start fails the task with 127', async () => {
    const result = await runCli(['run', '--home', daemon.home, '--agent', 'runner-missing', '--', 'no-such-command-here']);
    assert.equal(result.code, 127);
    assert.equal((await tasksOf('runner-missing'))[0]?.state, 'failed');
  });

  for (const [signal, number] of [['SIGTERM', 15], ['SIGINT', 2]] as const) {
    it(`forwards ${signal} to the command, marks the task cancelled and exits 128+${number}`, async () => {
      const agent = `runner-${signal.toLowerCase()}`;
      // The child reports the signal it got, so we can see it was forwarded.
      const script = `process.on('${signal}', () => { console.log('child got ${signal}'); process.exit(${128 + number}); }); console.log('ready'); setInterval(() => {}, 1000);`;
      const { child, done } = spawnCli(['run', '--home', daemon.home, '--agent', agent, '--heartbeat-ms', '200', '--', process.execPath, '-e', script]);
      let stdout = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      await pollUntil('the child to start', () => stdout.includes('ready') || undefined, CLI_DEADLINE_MS);
      const [running] = await tasksOf(agent);
      assert.equal(running?.state, 'active');
      assert.ok(child.pid);
      process.kill(child.pid, signal);
      const result = await done;
      assert.equal(result.code, 128 + number);
      assert.match(result.stdout, new RegExp(`child got ${signal}`));
      const [task] = await tasksOf(agent);
      assert.equal(task?.state, 'cancelled');
      assert.equal(task?.result?.exitCode, 128 + number);
    });
  }

  it('nests: a run inside a run, and a task created in it, are children of its task, reported by its agent', async () => {
    const inner = [process.execPath, CLI_PATH, 'run', '--home', daemon.home, '--title', 'inner', '--'];
    const create = `"${process.execPath}" "${CLI_PATH}" task create --home "${daemon.home}" --title created-inside --json`;
    const script = `echo "task=$AGENT_TRACKER_TASK_ID agent=$AGENT_TRACKER_AGENT_ID"; ${create} > /dev/null`;
    // Three CLI processes, one inside the other.
    const result = await runCli(['run', '--home', daemon.home, '--agent', 'runner-outer', '--title', 'outer', '--', ...inner, 'sh', '-c', script], {
      timeoutMs: 3 * CLI_DEADLINE_MS,
    });
    assert.equal(result.code, 0, result.stderr);
    const tasks = await tasksOf('runner-outer');
    const outer = tasks.find((t) => t.title === 'outer');
    const nested = tasks.find((t) => t.title === 'inner');
    assert.ok(outer && nested, `both runs report as the outer agent: ${tasks.map((t) => t.title).join(', ')}`);
    assert.equal(outer.parentId, null);
    assert.equal(nested.parentId, outer.id);
    assert.equal(nested.state, 'done');
    assert.match(result.stdout, new RegExp(`^task=${nested.id} agent=runner-outer$`, 'm'));
    const [created] = (await daemon.client.listTasks({ q: 'created-inside' })).items;
    assert.equal(created?.parentId, nested.id);
  });

  it('task create under AGENT_TRACKER_TASK_ID makes a child unless --no-parent', async () => {
    const parent = await daemon.client.createTask({ title: 'an outer piece of work' });
    const env = cliEnv({ AGENT_TRACKER_TASK_ID: parent.id });
    const child = await runCli(['task', 'create', '--home', daemon.home, '--title', 'child by env', '--json'], { env, timeoutMs: CLI_DEADLINE_MS });
    assert.equal(child.code, 0, child.stderr);
    assert.equal((JSON.parse(child.stdout) as Task).parentId, parent.id);
    const top = await runCli(['task', 'create', '--home', daemon.home, '--title', 'top level', '--no-parent', '--json'], { env, timeoutMs: CLI_DEADLINE_MS });
    assert.equal(top.code, 0, top.stderr);
    assert.equal((JSON.parse(top.stdout) as Task).parentId, null);
  });

  it('stops the command when the task is cancelled from elsewhere', async () => {
    const { child, done } = spawnCli(['run', '--home', daemon.home, '--agent', 'runner-remote', '--heartbeat-ms', '200', '--', 'sleep', '30']);
    const task = await pollUntil('the task to exist', async () => (await tasksOf('runner-remote'))[0], CLI_DEADLINE_MS);
    await daemon.client.transition(task.id, { to: 'cancelled', reason: 'not needed' });
    const result = await done;
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /task stopped by the daemon/);
    assert.equal(child.exitCode, result.code);
    assert.equal((await daemon.client.getTask(task.id)).state, 'cancelled');
  });
});
