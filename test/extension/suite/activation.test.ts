import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { useDaemonUnderTest } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';
import { EXTENSION_ID } from './support/testDaemon.js';

/** The commands of the contract (plus Copy Task ID, Allow and Deny…), by id. */
const CONTRACT_COMMANDS = [
  'refresh',
  'resetStuckTask',
  'resetAllStuckTasks',
  'resetAgent',
  'retryTask',
  'cancelTask',
  'replayTaskEvents',
  'showTaskDetails',
  'filterTasks',
  'cleanUpHistory',
  'startDaemon',
  'stopDaemon',
  'showDaemonLog',
  'copyTaskId',
  'connectAgents',
  'showTimeline',
  'showDashboard',
  'nextWaiting',
  'focusTerminal',
  'runDemo',
  'approve',
  'deny',
  'sendToAgent',
].map((name) => `agentTracker.${name}`);

suite('Activation', function () {
  this.timeout(60_000);

  const ctx = useDaemonUnderTest();

  test('activates, connects and registers every command of the contract', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension?.isActive);
    assert.equal(ctx.api.model.connection.kind, 'connected');
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of CONTRACT_COMMANDS) assert.ok(registered.has(id), `${id} is registered`);
  });

  test('contributes the container, the three views and the settings', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { viewsContainers: { activitybar: { id: string; title: string }[] }; views: Record<string, { id: string; name: string }[]>; commands: { command: string; title: string; category: string }[]; configuration: { properties: Record<string, unknown> } };
      activationEvents: string[];
    };
    assert.deepEqual(manifest.contributes.viewsContainers.activitybar.map((c) => c.title), ['Agent Tracker']);
    assert.deepEqual(manifest.contributes.views['agentTracker']?.map((v) => v.name), ['Agents', 'Tasks', 'History']);
    for (const id of CONTRACT_COMMANDS) {
      const command = manifest.contributes.commands.find((c) => c.command === id);
      assert.equal(command?.category, 'Agent Tracker', id);
    }
    for (const key of ['daemonUrl', 'home', 'autoStartDaemon', 'notifications', 'stuckAfterSeconds']) {
      assert.ok(`agentTracker.${key}` in manifest.contributes.configuration.properties, key);
    }
    assert.deepEqual(manifest.activationEvents, []);
    // The palette titles the contract names.
    const title = (id: string): string | undefined => manifest.contributes.commands.find((c) => c.command === `agentTracker.${id}`)?.title;
    assert.equal(title('resetAllStuckTasks'), 'Reset All Stuck Tasks');
    assert.equal(title('nextWaiting'), 'Go to Next Waiting Agent');
    assert.equal(title('sendToAgent'), 'Send to Agent…');
    const notifications = manifest.contributes.configuration.properties['agentTracker.notifications'] as { enum: string[]; default: string };
    assert.deepEqual([...notifications.enum].sort(), ['all', 'failures', 'needsYou', 'none']);
    assert.equal(notifications.default, 'needsYou');
  });

  test('the status bar says how many tasks are active', async () => {
    await pollUntil('the status bar to show the counts', () => /0 active/.test(ctx.api.statusBarText()) || undefined, 5_000);
  });
});
