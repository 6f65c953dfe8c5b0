// Everything one end-to-end run needs, started in order and stopped in reverse: a seeded daemon, the VS Code server
// with the packaged extension installed and pointed at that daemon's home, and the workbench in Chromium.
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { testOutputDir } from '../host/hostPaths.js';
import { ensureTestHost } from '../host/provision.js';
import {
  installExtension,
  makeServerDirs,
  removeServerDirs,
  startVscodeServer,
  writeUserSettings,
} from '../host/vscodeServer.js';
import { openWorkbench } from '../host/workbench.js';
import { startDaemon, type RunningDaemon } from './daemonFixture.js';
import { builtVsix } from './vsixPath.js';
import { WorkbenchUi } from './workbenchUi.js';

export const e2eOutputDir = path.join(testOutputDir, 'e2e');

export interface TrackerWorkbench {
  daemon: RunningDaemon;
  ui: WorkbenchUi;
  consoleErrors: string[];
  close(): Promise<void>;
}

export interface TrackerWorkbenchOptions {
  /** Where logs and screenshots go (default test-output/e2e). */
  outputDir?: string;
  /** User settings on top of the harness's (which turn notifications off). */
  settings?: Record<string, unknown>;
  /** Notification toasts on screen, as a user sees them (the smoke-test driver hides them). */
  toasts?: boolean;
  /** The daemon's environment (a moved clock) and how long its agents stay online unseen. */
  daemonEnv?: NodeJS.ProcessEnv;
  agentTimeoutMs?: number;
  /** The folder the workbench opens (default an empty one of its own). */
  workspaceFolder?: string;
}

export async function startTrackerWorkbench(
  seed: (daemon: RunningDaemon) => Promise<void>,
  options: TrackerWorkbenchOptions = {},
): Promise<TrackerWorkbench> {
  const outputDir = options.outputDir ?? e2eOutputDir;
  const stops: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (let stop = stops.pop(); stop !== undefined; stop = stops.pop()) await stop().catch(() => undefined);
  };
  // Ctrl-C during a run: mocha would die of the signal and leave the server and the daemon running.
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`\n${signal}: stopping the workbench, the VS Code server and the daemon`);
    void close().finally(() => process.exit(128 + (os.constants.signals[signal] ?? 0)));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  stops.push(async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
  try {
    const vsix = builtVsix();
    await ensureTestHost();
    await mkdir(outputDir, { recursive: true });

    // Agents stay online for the whole run; the stuck task comes from an unrenewed lease, not a silent agent.
    const daemon = await startDaemon({
      logFile: path.join(outputDir, 'daemon.log'),
      agentTimeoutMs: options.agentTimeoutMs ?? 600_000,
      ...(options.daemonEnv === undefined ? {} : { env: options.daemonEnv }),
    });
    stops.push(() => daemon.stop());
    await seed(daemon);

    const dirs = await makeServerDirs('agent-tracker-e2e');
    stops.push(() => removeServerDirs(dirs));
    await installExtension(dirs, vsix, path.join(outputDir, 'install-extension.log'));
    await writeUserSettings(dirs, {
      'agentTracker.home': daemon.home,
      'agentTracker.autoStartDaemon': false,
      'agentTracker.notifications': 'none',
      ...options.settings,
    });
    const server = await startVscodeServer(dirs, { logFile: path.join(outputDir, 'server.log'), smokeTestDriver: options.toasts !== true });
    stops.push(() => server.stop());
    const workbench = await openWorkbench(server, { workspaceFolder: options.workspaceFolder ?? dirs.workspace, viewport: { width: 1280, height: 800 } });
    stops.push(() => workbench.close());
    return { daemon, ui: new WorkbenchUi(workbench.page, outputDir), consoleErrors: workbench.consoleErrors, close };
  } catch (error) {
    await close();
    throw error;
  }
}
