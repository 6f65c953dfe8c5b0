// Runs the same extension test entry under @vscode/test-electron: the standard launcher for machines that can
// download VS Code (a developer's desktop; on Linux without a display, wrap it in xvfb-run). `npm run test:electron`.
//
// Environment: AGENT_TRACKER_VSCODE_VERSION picks the VS Code build (default "stable"; "insiders" or "1.139.1").
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { onCleanup, runWithCleanups } from './cleanupStack.js';
import { cacheDir, extensionBundle, repoRoot, testEntryBundle } from './hostPaths.js';
import { isTestResults, printResults, resultsFileEnv, type TestResults } from './testResults.js';
import { waitForJsonFile } from './waitForFile.js';
import { describeError } from '../../daemon/src/protocol/index.js';

const host = 'Electron';

async function main(): Promise<number> {
  const missing = [extensionBundle, testEntryBundle].filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run \`npm run build\` first`);

  const root = await mkdtemp(path.join(os.tmpdir(), 'agent-tracker-electron-'));
  onCleanup(() => rm(root, { recursive: true, force: true, maxRetries: 3 }));
  const resultsFile = path.join(root, 'results.json');
  const workspace = path.join(root, 'workspace');
  await mkdir(workspace);

  const exitCode = await runTests({
    version: process.env['AGENT_TRACKER_VSCODE_VERSION'] ?? 'stable',
    // Downloads go to the ignored cache folder, not to a .vscode-test folder in the repository.
    cachePath: path.join(cacheDir, 'vscode-electron'),
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: testEntryBundle,
    extensionTestsEnv: { [resultsFileEnv]: resultsFile },
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir',
      path.join(root, 'user'),
      '--extensions-dir',
      path.join(root, 'extensions'),
    ],
  }).catch((error: unknown) => {
    console.error(describeError(error));
    return 1;
  });

  // VS Code has exited by now; the results file is there unless the test entry never ran.
  let results: TestResults;
  try {
    results = await waitForJsonFile(resultsFile, isTestResults, 1000);
  } catch {
    console.log(`VS Code ${host}: no results (VS Code exited with ${exitCode})`);
    return 1;
  }
  printResults(host, results);
  return exitCode === 0 && results.failed === 0 && results.passed > 0 ? 0 : 1;
}

runWithCleanups(main);
