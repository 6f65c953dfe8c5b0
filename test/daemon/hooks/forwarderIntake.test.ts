/**
 * The installed hook forwarder reads the whole payload, always: run through `sh -c '<installed command>'` as agents run
 * it, against a real daemon process, with a megabyte written at once, in chunks with pauses, late, and past 16 MiB.
 * A field written after a megabyte of tool output must arrive: the forwarder read to the end, not a prefix.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { forwarderCommand, installForwarder } from '../../../daemon/src/cli/hooks/forwarderFiles.js';
import { pollUntil } from '../../support/poll.js';
import { startDaemonProcess, stopDaemonProcess, type DaemonProcess } from '../support/daemonProcess.js';
import { inChunks, late, runThroughShell, silent, type Feed } from '../support/hookShell.js';
import { cliEnv } from '../support/runCli.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

const MiB = 1024 * 1024;

/** A Claude Code prompt whose pasted text (1 MiB) comes before the prompt itself, as a tool output would. */
function promptPayload(session: string, prompt: string, padding: number): string {
  return JSON.stringify({
    session_id: session,
    transcript_path: '/nonexistent/t.jsonl',
    cwd: '/work/app',
    hook_event_name: 'UserPromptSubmit',
    pasted_contents: 'p'.repeat(padding),
    prompt,
  });
}

describe('hooks: the forwarder reads the whole payload (installed command, sh -c, real daemon)', function () {
  this.timeout(90_000);
  let home: string;
  let daemon: DaemonProcess | undefined;
  let command: string;
  const env = () => cliEnv({ PATH: '/usr/bin:/bin' });

  before(async () => {
    home = makeTempHome('forwarder-intake');
    installForwarder(home);
    command = forwarderCommand(home, 'claude-code');
    daemon = await startDaemonProcess(home);
  });
  after(async () => {
    if (daemon) await stopDaemonProcess(daemon);
    removeTempHome(home);
  });

  const tasks = async () => (await daemon!.http.ok(daemon!.http.get<{ items: Task[] }>('/v1/tasks?limit=1000'))).items;
  const truncatedTotal = async () => {
    const text = (await daemon!.http.get('/metrics')).text;
    return Number(/^agent_tracker_hook_payloads_truncated_total (\d+)/m.exec(text)?.[1] ?? NaN);
  };

  async function deliver(title: string, feed: Feed): Promise<Task> {
    const run = await runThroughShell(command, env(), feed).done;
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '', 'Claude Code shows a hook’s stdout: nothing is printed');
    return pollUntil(`the task "${title}"`, async () => (await tasks()).find((t) => t.title === title), 10_000);
  }

  for (const [name, feed] of [
    ['at once', (p: string) => p],
    ['in 16 chunks with pauses', (p: string) => inChunks(p, 16, 100)],
    ['written 1.5 s late', (p: string) => late(p, 1500)],
  ] as const) {
    it(`1 MiB ${name}: the field after the megabyte arrives, the event is marked truncated`, async () => {
      const before = await truncatedTotal();
      const title = `Ship it (${name})`;
      const task = await deliver(title, feed(promptPayload(`s-${name.replace(/\W/g, '')}`, title, MiB)));
      assert.equal(task.state, 'active');
      assert.equal(await truncatedTotal(), before + 1, 'over the daemon’s 1 MiB limit: cut to fit and marked');
    });
  }

  it('900 KiB through the pipe arrives whole, not marked', async () => {
    const before = await truncatedTotal();
    const task = await deliver('Under the limit', promptPayload('s-900k', 'Under the limit', 900 * 1024));
    assert.equal(task.title, 'Under the limit');
    assert.equal(await truncatedTotal(), before);
  });

  it('past 16 MiB the event is still recorded, with truncated: true (never as {})', async () => {
    const before = await truncatedTotal();
    // The prompt comes first here: what follows 16 MiB is never read.
    const huge = JSON.stringify({ session_id: 's-17m', cwd: '/work/app', hook_event_name: 'UserPromptSubmit', prompt: 'Huge paste', pasted_contents: 'q'.repeat(17 * MiB) });
    await deliver('Huge paste', inChunks(huge, 34, 10));
    assert.equal(await truncatedTotal(), before + 1);
  });

  it('an agent that writes nothing and never closes stdin: exit 0 by the deadline, and no {} recorded', async () => {
    const before = (await daemon!.http.ok(daemon!.http.get<{ hooks: { received: number } }>('/v1/stats'))).hooks?.received;
    const run = await runThroughShell(command, env(), silent, 20_000).done;
    assert.equal(run.code, 0, `exit ${run.code ?? run.signal}: ${run.stderr}`);
    assert.ok(run.ms < 8000, `took ${Math.round(run.ms)} ms`);
    const after = (await daemon!.http.ok(daemon!.http.get<{ hooks: { received: number } }>('/v1/stats'))).hooks?.received;
    assert.equal(after, before, 'nothing was sent for a payload that never came');
    assert.equal(existsSync(path.join(home, 'inbox', 'hooks.jsonl')), false);
  });
});
