import * as assert from 'node:assert/strict';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { useDaemonUnderTest, waitInSync } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';

suite('Daemon restarted under the extension', function () {
  this.timeout(60_000);

  const ctx = useDaemonUnderTest(async (daemon) => {
    await daemon.heartbeat('agent-r');
    await daemon.createTask({ id: 'r-running', title: 'Long job', state: 'active', agentId: 'agent-r' });
  });

  test('reconnects after a crash and shows every event it missed, none twice', async () => {
    await ctx.daemon.stop('SIGKILL');
    await pollUntil('the extension to notice the crash', () => ctx.api.model.connection.kind === 'disconnected' || undefined);
    // Written while no daemon runs: the restarted daemon ingests these, and the extension never saw them live.
    mkdirSync(path.join(ctx.daemon.home, 'inbox'), { recursive: true });
    const lines = [
      { op: 'progress', id: 'l1', taskId: 'r-running', progress: 70, step: 'linking' },
      { op: 'create', id: 'l2', taskId: 'r-offline', title: 'Queued while offline' },
    ];
    appendFileSync(path.join(ctx.daemon.home, 'inbox', 'agent-r.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    await ctx.daemon.launch();
    // And more right after the restart, racing the reconnect.
    await ctx.daemon.createTask({ id: 'r-after', title: 'Created after restart' });
    await ctx.daemon.transition('r-running', 'done');

    await waitInSync(ctx.api, ctx.daemon, 20_000);
    assert.equal(ctx.api.model.getTask('r-offline')?.title, 'Queued while offline');
    assert.equal(ctx.api.model.getTask('r-after')?.state, 'pending');
    const running = ctx.api.model.getTask('r-running');
    assert.equal(running?.state, 'done');
    // Nothing applied twice: every task the extension holds matches the daemon's version exactly.
    for (const id of ['r-running', 'r-offline', 'r-after']) {
      const stored = await ctx.daemon.task(id);
      const held = ctx.api.model.getTask(id);
      assert.equal(held?.version, stored.version, `${id} version`);
      assert.equal(held?.progress, stored.progress, `${id} progress`);
      assert.equal(held?.step, stored.step, `${id} step`);
    }
    assert.equal(ctx.api.taskTree.groupOf('r-offline'), 'pending');
  });
});
