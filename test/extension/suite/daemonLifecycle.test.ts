import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AgentTrackerApi } from '../../../extension/src/api.js';
import { pollUntil } from '../../support/poll.js';
import { alive, EXTENSION_ID, stopStartedDaemon } from './support/testDaemon.js';

suite('Daemon lifecycle', function () {
  this.timeout(60_000);
  let home: string;
  let api: AgentTrackerApi;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('agentTracker');

  suiteSetup(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'agent-tracker-auto-'));
    const extension = vscode.extensions.getExtension<AgentTrackerApi>(EXTENSION_ID);
    if (!extension) throw new Error('extension not found');
    api = await extension.activate();
  });

  suiteTeardown(async () => {
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
  });
});

function daemonPid(home: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(home, 'daemon.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}
