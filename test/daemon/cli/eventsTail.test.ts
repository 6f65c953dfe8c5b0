import assert from 'node:assert/strict';
import type { TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';
import { runCli, spawnCli } from '../support/runCli.js';
import { pollUntil } from '../../support/poll.js';

describe('cli: events tail', function () {
  // Each CLI call is a fresh Node process; on a loaded machine a handful of them take seconds.
  this.timeout(60_000);
  const daemon = useDaemonProcess();

  before(async () => {
    await daemon.client.createTask({ title: 'first', id: 'tail-1' });
    await daemon.client.createTask({ title: 'second', id: 'tail-2' });
    await daemon.client.transition('tail-1', { to: 'active', agentId: 'tailer' });
  });

  it('--no-follow --json prints every event after the seq as JSON lines, then exits', async () => {
    const result = await runCli(['events', 'tail', '--home', daemon.home, '--after', '0', '--no-follow', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as TrackerEvent);
    const { seq } = await daemon.client.health();
    assert.deepEqual(events.map((e) => e.seq), Array.from({ length: seq }, (_, i) => i + 1));
  });

  it('--task keeps one task\'s events; the human form is one line per event', async () => {
    const result = await runCli(['events', 'tail', '--home', daemon.home, '--after', '0', '--no-follow', '--task', 'tail-1']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /^\d\d:\d\d:\d\d #\d+ task\.created\s+tail-1 "first" \(pending\)$/);
    assert.match(lines[1] ?? '', /task\.transitioned tail-1 pending -> active$/);
  });

  it('without --after shows the last --last events', async () => {
    const result = await runCli(['events', 'tail', '--home', daemon.home, '--last', '1', '--no-follow', '--json']);
    const { seq } = await daemon.client.health();
    assert.deepEqual(result.stdout.trim().split('\n').map((l) => (JSON.parse(l) as TrackerEvent).seq), [seq]);
  });

  it('follows new events live until interrupted, then exits 0', async () => {
    const { seq } = await daemon.client.health();
    const { child, done } = spawnCli(['events', 'tail', '--home', daemon.home, '--after', String(seq)]);
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    // The stream is live once the CLI is connected; a task created after that must show up.
    await pollUntil(
      'the live event',
      async () => {
        await daemon.client.createTask({ title: 'live one' });
        return stdout.includes('"live one"') || undefined;
      },
      10_000,
      300,
    );
    assert.ok(child.pid);
    process.kill(child.pid, 'SIGINT');
    assert.equal((await done).code, 0);
  });
});
