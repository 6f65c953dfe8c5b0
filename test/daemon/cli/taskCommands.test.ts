import assert from 'node:assert/strict';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';
import { runCli } from '../support/runCli.js';

describe('cli: task commands', function () {
  // Each CLI call is a fresh Node process; on a loaded machine a handful of them take seconds.
  this.timeout(120_000);
  const daemon = useDaemonProcess();
  const cli = (...args: string[]) => runCli([...args, '--home', daemon.home]);
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await cli(...args, '--json');
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  };

  it('create prints the new task; --json prints it as JSON', async () => {
    const human = await cli('task', 'create', '--title', 'Write the report', '--id', 'report', '--priority', '8', '--type', 'docs');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^created report \(pending\): Write the report/);
    const task = await json<Task>('task', 'create', '--title', 'Publish', '--id', 'publish', '--depends-on', 'report', '--tags', 'a,b');
    assert.equal(task.id, 'publish');
    assert.deepEqual(task.dependsOn, [{ taskId: 'report', state: 'done' }]);
    assert.deepEqual(task.tags, ['a', 'b']);
    assert.equal(task.blocked, true);
  });

  it('list shows a table by default and the page with --json', async () => {
    const human = await cli('task', 'list');
    assert.equal(human.code, 0, human.stderr);
    const [header, ...rows] = human.stdout.trim().split('\n');
    assert.match(header ?? '', /^ID\s+STATE\s+PRI\s+PROGRESS\s+AGENT\s+UPDATED\s+TITLE$/);
    assert.ok(rows.some((r) => /^report\s+pending\s+8\s+0%/.test(r)), human.stdout);
    assert.ok(rows.some((r) => /^publish\s+pending \(blocked\)/.test(r)), human.stdout);
    const page = await json<{ items: Task[]; total: number }>('task', 'list', '--state', 'pending');
    assert.deepEqual(page.items.map((t) => t.id).sort(), ['publish', 'report']);
  });

  it('start, progress, pause, resume and done move the task through the state machine', async () => {
    assert.match((await cli('task', 'start', 'report', '--agent', 'writer')).stdout, /^report: active/);
    const progressed = await json<Task>('task', 'progress', 'report', '--progress', '40', '--step', 'drafting', '--agent', 'writer');
    assert.equal(progressed.progress, 40);
    assert.equal(progressed.step, 'drafting');
    assert.equal((await json<Task>('task', 'pause', 'report', '--message', 'lunch')).state, 'paused');
    assert.equal((await json<Task>('task', 'resume', 'report')).state, 'active');
    const done = await json<Task>('task', 'done', 'report');
    assert.equal(done.state, 'done');
    assert.equal((await json<Task>('task', 'show', 'publish')).blocked, false, 'its dependency is done');
  });

  it('fail records the message as the error, retry sends it back, cancel ends it', async () => {
    await json<Task>('task', 'start', 'publish', '--agent', 'writer');
    const failed = await json<Task>('task', 'fail', 'publish', '--message', 'printer on fire');
    assert.equal(failed.state, 'failed');
    assert.equal(failed.lastError?.message, 'printer on fire');
    assert.equal((await json<Task>('task', 'retry', 'publish')).state, 'pending');
    assert.equal((await json<Task>('task', 'cancel', 'publish', '--message', 'no longer needed')).state, 'cancelled');
  });

  it('show prints the fields and recent events', async () => {
    const result = await cli('task', 'show', 'report');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^id:\s+report$/m);
    assert.match(result.stdout, /^state:\s+done$/m);
    assert.match(result.stdout, /^progress:\s+100% \(drafting\)$/m);
    assert.match(result.stdout, /recent events:/);
    assert.match(result.stdout, /task\.transitioned\s+report active -> done/);
  });

  it('a refused transition exits 1 with the code, the message and the allowed states', async () => {
    const result = await cli('task', 'start', 'report');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /invalid_transition/);
    assert.match(result.stderr, /allowed: none/);
    const asJson = await cli('task', 'pause', 'publish', '--json');
    assert.equal(asJson.code, 1);
    assert.equal((JSON.parse(asJson.stdout) as { error: { code: string } }).error.code, 'invalid_transition');
    const missing = await cli('task', 'show', 'nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not_found/);
  });

  it('bad input is a usage error (exit 2) before any request', async () => {
    assert.equal((await cli('task', 'create')).code, 2, 'missing --title');
    assert.equal((await cli('task', 'create', '--title', 'x', '--priority', '11')).code, 2);
    assert.equal((await cli('task', 'progress', 'report', '--progress', 'lots')).code, 2);
    assert.equal((await cli('task', 'list', '--state', 'sleeping')).code, 2);
    assert.equal((await cli('task', 'frobnicate')).code, 2);
    assert.equal((await runCli(['--help'])).code, 0);
  });
});
