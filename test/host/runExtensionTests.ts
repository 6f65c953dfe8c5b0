// Runs the extension's mocha suite inside a real VS Code: the VS Code server (Node 24) hosts the extension and the
// test entry; headless Chromium opens the workbench that starts them. `npm run test:extension`.
//
// Environment: AGENT_TRACKER_TEST_TIMEOUT_MS (default 300000) bounds the whole run; AGENT_TRACKER_TEST_EXTENSION and
// AGENT_TRACKER_TEST_ENTRY point at another extension folder and compiled test entry (default: this repository).
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { onCleanup, runWithCleanups } from './cleanupStack.js';
import { repoRoot, testEntryBundle, testOutputDir } from './hostPaths.js';
import { ensureTestHost } from './provision.js';
import { indent, isTestResults, printResults, resultsFileEnv, type TestResults } from './testResults.js';
import { makeServerDirs, removeServerDirs, serverVersion, startVscodeServer, writeUserSettings } from './vscodeServer.js';
import { DeadlineError, waitForJsonFile } from './waitForFile.js';
import { openWorkbench, type Workbench } from './workbench.js';
import { describeError } from '../../daemon/src/protocol/index.js';

const host = 'extension host';
const timeoutMs = Number(process.env['AGENT_TRACKER_TEST_TIMEOUT_MS'] ?? 300_000);
const extensionPath = path.resolve(process.env['AGENT_TRACKER_TEST_EXTENSION'] ?? repoRoot);
const testsPath = path.resolve(process.env['AGENT_TRACKER_TEST_ENTRY'] ?? testEntryBundle);
const outputDir = path.join(testOutputDir, 'extension-host');

async function main(): Promise<number> {
  await checkBuilt();
  await ensureTestHost();
  const version = await serverVersion();
  await rm(outputDir, { recursive: true, force: true });
  await mkdir(outputDir, { recursive: true });

  const dirs = await makeServerDirs('agent-tracker-exthost');
  onCleanup(() => removeServerDirs(dirs));
  const resultsFile = path.join(dirs.root, 'results.json');
  await writeUserSettings(dirs, {});

  console.log(`Starting VS Code ${version} server (extension: ${extensionPath})`);
  const server = await startVscodeServer(dirs, {
    env: { [resultsFileEnv]: resultsFile },
    logFile: path.join(outputDir, 'server.log'),
  });
  onCleanup(() => server.stop());
  const workbench = await openWorkbench(server, {
    workspaceFolder: dirs.workspace,
    extensionDevelopmentPath: extensionPath,
    extensionTestsPath: testsPath,
  });
  onCleanup(() => workbench.close());

  // The extension host's own logs outlive the temporary folders: they are where a failure explains itself.
  const serverLogs = path.join(dirs.user, 'logs');
  onCleanup(async () => {
    if (existsSync(serverLogs)) await cp(serverLogs, path.join(outputDir, 'logs'), { recursive: true });
  });

  let results: TestResults;
  try {
    results = await Promise.race([waitForJsonFile(resultsFile, isTestResults, timeoutMs), server.unexpectedExit]);
  } catch (error) {
    await explainNoResults(workbench, server.logFile);
    const reason = error instanceof DeadlineError ? `timed out after ${Math.round(timeoutMs / 1000)} s` : describeError(error);
    console.log(`VS Code ${version} ${host}: no results, ${reason}`);
    return 1;
  }
  printResults(host, results);
  if (results.passed + results.failed === 0) {
    console.error('No tests ran: the suite under test/extension/suite/ is empty or was not built.');
    return 1;
  }
  return results.failed === 0 ? 0 : 1;
}

async function checkBuilt(): Promise<void> {
  const manifest = JSON.parse(await readFile(path.join(extensionPath, 'package.json'), 'utf8')) as { main?: string };
  const missing = [testsPath, ...(manifest.main === undefined ? [] : [path.join(extensionPath, manifest.main)])].filter(
    (file) => !existsSync(file),
  );
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run \`npm run build\` first`);
}

async function explainNoResults(workbench: Workbench, serverLog: string): Promise<void> {
  const screenshot = path.join(outputDir, 'no-results.png');
  await workbench.page.screenshot({ path: screenshot }).catch(() => undefined);
  const errors = workbench.consoleErrors.slice(-15);
  if (errors.length > 0) console.error(`Workbench errors (last ${errors.length}):\n${indent(errors.join('\n'))}`);
  console.error(`Server log: ${serverLog}\nExtension host logs: ${path.join(outputDir, 'logs')}\nScreenshot: ${screenshot}`);
}

runWithCleanups(main);
