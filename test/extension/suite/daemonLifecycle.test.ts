import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AgentTrackerApi } from '../../../extension/src/api.js';
import type { ShownNotification } from '../../../extension/src/views/notifier.js';
import { pollUntil } from '../../support/poll.js';
import { alive, EXTENSION_ID, stopStartedDaemon } from './support/testDaemon.js';

suite('Daemon lifecycle', function () {
  this.timeout(60_000);
  let home: string;
  let api: AgentTrackerApi;
  const shown: ShownNotification[] = [];
  let subscription: vscode.Disposable | undefined;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('agentTracker');

  suiteSetup(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'agent-tracker-auto-'));
    const extension = vscode.extensions.getExtension<AgentTrackerApi>(EXTENSION_ID);
    if (!extension) throw new Error('extension not found');
    api = await extension.activate();
    subscription = api.onDidShowNotification((n) => shown.push(n));
  });

  suiteTeardown(async () => {
    subscription?.dispose();
    await config().update('autoStartDaemon', false, vscode.ConfigurationTarget.Global);
    const pid = daemonPid(home);
    if (pid !== undefined) await stopStartedDaemon(pid);
    rmSync(home, { recursive: true, force: true });
  });

  test('starts the bundled daemon, detached, when none runs on the home', async () => {
    // Home first: turning auto-start on while the previous suite's (deleted) home is still configured would start a
    // daemon there, which nothing would stop.
    await config().update('home', home, vscode.ConfigurationTarget.Global);
    await config().update('autoStartDaemon', true, vscode.ConfigurationTarget.Global);
    await pollUntil('the daemon to be started and connected', () => (api.model.connection.kind === 'connected' && daemonPid(home)) || undefined, 30_000, 100);
    const pid = daemonPid(home) as number;
    assert.ok(alive(pid));
    // Detached: its own process group, so a window reload (which ends the extension host's group) leaves it running.
    if (existsSync(`/proc/${pid}/stat`)) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      assert.equal(Number(stat[2]), pid, 'the daemon leads its own process group');
    }
    assert.match(readFileSync(path.join(home, 'daemon.log'), 'utf8'), /listening/);
    assert.deepEqual(shown.filter((n) => n.kind === 'daemon'), [], 'no notice for the daemon the window started itself');
  });

  test('a daemon killed under the window is replaced, with one notice that offers its log', async () => {
    // What most people keep on all day (earlier suites leave other levels behind).
    await config().update('notifications', 'needsYou', vscode.ConfigurationTarget.Global);
    const killed = daemonPid(home) as number;
    process.kill(killed, 'SIGKILL');
    const notice = await pollUntil('the restart notice', () => shown.find((n) => n.kind === 'daemon'), 30_000, 100);
    assert.equal(notice.message, 'Agent Tracker: the daemon stopped unexpectedly and was restarted.');
    assert.deepEqual(notice.actions, ['Show Daemon Log']);
    const replacement = await pollUntil('a new daemon, connected', () => {
      const pid = daemonPid(home);
      return pid !== undefined && pid !== killed && alive(pid) && api.model.connection.kind === 'connected' ? pid : undefined;
    }, 30_000, 100);
    assert.notEqual(replacement, killed);
    assert.equal(shown.filter((n) => n.kind === 'daemon').length, 1, 'one notice');
  });
});

function daemonPid(home: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(home, 'daemon.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}
