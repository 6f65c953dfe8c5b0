/** Points the extension at a test daemon and returns its API once it has loaded that daemon's state. */
import * as vscode from 'vscode';
import type { AgentTrackerApi } from '../../../../extension/src/api.js';
import type { NotificationLevel } from '../../../../extension/src/config.js';
import type { ShownNotification } from '../../../../extension/src/views/notifier.js';
import { pollUntil } from '../../../support/poll.js';
import { EXTENSION_ID, TestDaemon } from './testDaemon.js';

export async function useDaemon(daemon: TestDaemon): Promise<AgentTrackerApi> {
  const config = vscode.workspace.getConfiguration('agentTracker');
  // No automatic start (the test owns the daemon) and no notifications popping over the tests.
  await config.update('autoStartDaemon', false, vscode.ConfigurationTarget.Global);
  await config.update('notifications', 'none', vscode.ConfigurationTarget.Global);
  await config.update('daemonUrl', '', vscode.ConfigurationTarget.Global);
  await config.update('home', daemon.home, vscode.ConfigurationTarget.Global);
  const extension = vscode.extensions.getExtension<AgentTrackerApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} not found`);
  const api = await extension.activate();
  await vscode.commands.executeCommand('agentTracker.refresh');
  await waitInSync(api, daemon);
  return api;
}

/** Connected, and the model has folded every event the daemon has logged. */
export async function waitInSync(api: AgentTrackerApi, daemon: TestDaemon, timeoutMs = 10_000): Promise<void> {
  await pollUntil('the extension to catch up with the daemon', async () => {
    const connection = api.model.connection;
    if (connection.kind !== 'connected' || connection.url !== daemon.url) return undefined;
    const health = await daemon.get('/healthz');
    return api.model.seq >= (health.body as { seq: number }).seq || undefined;
  }, timeoutMs);
}

export interface DaemonUnderTest {
  readonly daemon: TestDaemon;
  readonly api: AgentTrackerApi;
}

/**
 * One test daemon for a suite, prepared by `seed` before the extension sees it, and the extension pointed at it; the
 * daemon is disposed in `suiteTeardown`. Call it in the suite body: teardown the suite registers earlier runs first.
 */
export function useDaemonUnderTest(seed?: (daemon: TestDaemon) => Promise<void>): DaemonUnderTest {
  let daemon: TestDaemon | undefined;
  let api: AgentTrackerApi | undefined;
  suiteSetup(async () => {
    daemon = await TestDaemon.start();
    await seed?.(daemon);
    api = await useDaemon(daemon);
  });
  suiteTeardown(async () => {
    await daemon?.dispose();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the suite daemon is not started: use it in a test or a later hook');
    return value;
  };
  return {
    get daemon() {
      return started(daemon);
    },
    get api() {
      return started(api);
    },
  };
}

/**
 * The notifications the extension shows for the rest of the suite, at `level`; off again after it. Call it in the
 * suite body after `useDaemonUnderTest`, whose daemon the extension must be connected to first.
 */
export function captureNotifications(ctx: DaemonUnderTest, level: NotificationLevel): ShownNotification[] {
  const shown: ShownNotification[] = [];
  let subscription: vscode.Disposable | undefined;
  const config = () => vscode.workspace.getConfiguration('agentTracker');
  suiteSetup(async () => {
    await config().update('notifications', level, vscode.ConfigurationTarget.Global);
    subscription = ctx.api.onDidShowNotification((n) => shown.push(n));
  });
  suiteTeardown(async () => {
    subscription?.dispose();
    await config().update('notifications', 'none', vscode.ConfigurationTarget.Global);
  });
  return shown;
}
