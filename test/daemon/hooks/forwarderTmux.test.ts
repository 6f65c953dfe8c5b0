/**
 * An agent in tmux: the installed forwarder passes the pane (`TMUX_PANE`) and the server's socket (`TMUX` up to its
 * first comma) on, whether it posts to the daemon or spools to the inbox, and the agent's meta holds them (Send to
 * Agent… types into that pane). Anything not shaped as tmux writes them is left out, the event itself kept.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Agent } from '../../../daemon/src/protocol/index.js';
import { forwarderCommand, installForwarder } from '../../../daemon/src/cli/hooks/forwarderFiles.js';
import { pollUntil } from '../../support/poll.js';
import { startDaemonProcess, stopDaemonProcess, type DaemonProcess } from '../support/daemonProcess.js';
import { expectError } from '../support/http.js';
import { runThroughShell } from '../support/hookShell.js';
import { cliEnv } from '../support/runCli.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

const start = (session: string): string => JSON.stringify({ session_id: session, transcript_path: '', cwd: '/work/app', hook_event_name: 'SessionStart' });

describe('hooks: an agent in tmux (installed forwarder, sh -c, real daemon)', function () {
  this.timeout(60_000);
  let home: string;
  let daemon: DaemonProcess | undefined;
  let command: string;

  before(() => {
    home = makeTempHome('forwarder-tmux');
    installForwarder(home);
    command = forwarderCommand(home, 'claude-code');
  });
  after(async () => {
    if (daemon) await stopDaemonProcess(daemon);
    removeTempHome(home);
  });

  async function forward(session: string, tmux: { TMUX_PANE?: string; TMUX?: string }): Promise<void> {
    const run = await runThroughShell(command, cliEnv({ PATH: '/usr/bin:/bin', TMUX_PANE: undefined, TMUX: undefined, ...tmux }), start(session)).done;
    assert.equal(run.code, 0, run.stderr);
  }
  const metaOf = async (session: string): Promise<Agent['meta']> => {
    const agent = await pollUntil(`the agent of ${session}`, async () => {
      const agents = (await daemon!.http.ok(daemon!.http.get<{ items: Agent[] }>('/v1/agents?limit=1000'))).items;
      return agents.find((a) => a.id === `claude-code:${session}`);
    }, 10_000);
    return agent.meta;
  };

  it('no daemon: the spooled line carries the pane and socket; the daemon that starts later gives them to the agent', async () => {
    await forward('spooled', { TMUX_PANE: '%7', TMUX: '/tmp/tmux-1000/work,4321,0' });
    await forward('spooled-bad', { TMUX_PANE: '%7;kill-server', TMUX: '/tmp/tmux-1000/work,4321,0' });
    const lines = readFileSync(path.join(home, 'inbox', 'hooks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines[0]?.tmuxPane, '%7');
    assert.equal(lines[0]?.tmuxSocket, '/tmp/tmux-1000/work');
    assert.equal(lines[1]?.tmuxPane, undefined, 'not a pane tmux would name');
    assert.equal(lines[1]?.tmuxSocket, undefined, 'no socket without its pane');

    daemon = await startDaemonProcess(home);
    const meta = await metaOf('spooled');
    assert.equal(meta.tmuxPane, '%7');
    assert.equal(meta.tmuxSocket, '/tmp/tmux-1000/work');
    const bad = await metaOf('spooled-bad');
    assert.equal(bad.tmuxPane, undefined);
  });

  it('posted to the running daemon: pane and socket in the meta; outside tmux neither; a socket with a control character is dropped', async () => {
    assert.ok(daemon, 'started by the test before');
    await forward('posted', { TMUX_PANE: '%12', TMUX: '/run/user/1000/tmux-1000/default,99,3' });
    await forward('plain', {});
    await forward('odd-socket', { TMUX_PANE: '%3', TMUX: '/tmp/a\u001bb,1,0' });
    assert.deepEqual([(await metaOf('posted')).tmuxPane, (await metaOf('posted')).tmuxSocket], ['%12', '/run/user/1000/tmux-1000/default']);
    const plain = await metaOf('plain');
    assert.ok(!('tmuxPane' in plain) && !('tmuxSocket' in plain), JSON.stringify(plain));
    const odd = await metaOf('odd-socket');
    assert.equal(odd.tmuxPane, '%3');
    assert.equal(odd.tmuxSocket, undefined);
  });

  it('the API holds the meta to the same shapes: a heartbeat with another pane is refused, a hook header ignored', async () => {
    const refused = await daemon!.http.post('/v1/agents/someone/heartbeat', { name: 'Someone', meta: { tmuxPane: '%1 ; rm -rf ~' } });
    expectError(refused, 400, 'validation_failed');
    const socket = await daemon!.http.post('/v1/agents/someone/heartbeat', { name: 'Someone', meta: { tmuxPane: '%1', tmuxSocket: 'relative/socket' } });
    expectError(socket, 400, 'validation_failed');
    const hook = await daemon!.http.post('/v1/hooks/claude-code', JSON.parse(start('by-header')) as unknown, { headers: { 'x-agent-tmux-pane': '%1x', 'x-agent-tmux-socket': '/tmp/s' } });
    assert.equal(hook.status, 202);
    const meta = await metaOf('by-header');
    assert.equal(meta.tmuxPane, undefined);
    assert.equal(meta.tmuxSocket, undefined);
  });
});
