/** needsInput: a task paused because its agent waits for the user, and cleared when it goes on. */
import { strict as assert } from 'node:assert';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { expectError } from '../support/http.js';
import { assertReplayConsistent } from '../support/replayLaw.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

describe('needsInput: waiting for the user', () => {
  let d: TestDaemon;
  beforeEach(async () => {
    d = await startTestDaemon();
    await d.http.ok(d.http.post('/v1/tasks', { id: 'turn', title: 'Clean up', state: 'active', agentId: 'coder' }));
  });
  afterEach(async () => {
    await d?.close();
  });

  const transition = (body: unknown) => d.http.post<Task>('/v1/tasks/turn/transition', body);

  it('pauses with what the agent waits for, updates it while paused, and clears it when work goes on', async () => {
    const before = Date.now();
    const paused = await d.http.ok(transition({ to: 'paused', needsInput: { kind: 'permission', message: 'Bash(rm -rf build)' } }));
    assert.equal(paused.state, 'paused');
    assert.deepEqual([paused.needsInput?.kind, paused.needsInput?.message], ['permission', 'Bash(rm -rf build)']);
    assert.ok(Date.parse(paused.needsInput?.since ?? '') >= before - 1000);

    const asked = await d.http.ok(transition({ to: 'paused', needsInput: { kind: 'question', message: 'Which branch?' } }));
    assert.deepEqual([asked.state, asked.needsInput?.kind, asked.needsInput?.message], ['paused', 'question', 'Which branch?']);
    assert.equal(asked.version, paused.version + 1);

    const resumed = await d.http.ok(transition({ to: 'active' }));
    assert.deepEqual([resumed.state, resumed.needsInput], ['active', null]);
    await assertReplayConsistent(d.http, 'turn');
  });

  it('a cancel while waiting clears it too', async () => {
    await d.http.ok(transition({ to: 'paused', needsInput: { kind: 'question', message: 'Go on?' } }));
    const cancelled = await d.http.ok(transition({ to: 'cancelled' }));
    assert.equal(cancelled.needsInput, null);
    await assertReplayConsistent(d.http, 'turn');
  });

  it('goes only with a transition to paused, and is refused with bad fields', async () => {
    const wrongTarget = expectError(await transition({ to: 'done', needsInput: { kind: 'question', message: 'x' } }), 400, 'validation_failed');
    assert.match(JSON.stringify(wrongTarget.details), /needsInput/);
    expectError(await transition({ to: 'paused', needsInput: { kind: 'coffee', message: 'x' } }), 400, 'validation_failed');
    const task = await d.http.ok(d.http.get<Task>('/v1/tasks/turn'));
    assert.deepEqual([task.state, task.needsInput, task.version], ['active', null, 1]);
  });
});
