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

export async function startTrackerWorkbench(seed: (daemon: RunningDaemon) => Promise<void>): Promise<TrackerWorkbench> {
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
    await mkdir(e2eOutputDir, { recursive: true });

    // Agents stay online for the whole run; the stuck task comes from an unrenewed lease, not a silent agent.
    const daemon = await startDaemon({ logFile: path.join(e2eOutputDir, 'daemon.log'), agentTimeoutMs: 600_000 });
    stops.push(() => daemon.stop());
    await seed(daemon);

    const dirs = await makeServerDirs('agent-tracker-e2e');
    stops.push(() => removeServerDirs(dirs));
    await installExtension(dirs, vsix, path.join(e2eOutputDir, 'install-extension.log'));
    await writeUserSettings(dirs, {
      'agentTracker.home': daemon.home,
      'agentTracker.autoStartDaemon': false,
      'agentTracker.notifications': 'none',
    });
    const server = await startVscodeServer(dirs, { logFile: path.join(e2eOutputDir, 'server.log') });
    stops.push(() => server.stop());
    const workbench = await openWorkbench(server, { workspaceFolder: dirs.workspace, viewport: { width: 1280, height: 800 } });
    stops.push(() => workbench.close());
    return { daemon, ui: new WorkbenchUi(workbench.page, e2eOutputDir), consoleErrors: workbench.consoleErrors, close };
  } catch (error) {
    await close();
    throw error;
  }
}
