// The test entry VS Code's extension host calls (extensionTestsPath): runs mocha over the compiled suite files and
// writes the outcome to the file named by AGENT_TRACKER_TEST_RESULTS, the runner's only way to learn it.
//
// AGENT_TRACKER_TEST_GREP narrows a run to the tests whose full title matches it.
// Suites use mocha's TDD interface (`suite`, `test`, `suiteSetup`, `setup`, ...), as VS Code's own samples do.
// The extension host loads this entry with `require`, so it ships as the CommonJS bundle out/bundle/extension-tests.cjs.
// The suite files are compiled by tsc to ES modules that import `vscode`, which only the host's `require` provides:
// each is bundled to CommonJS here, at run time, with `vscode` left to the host.
import { buildSync } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type MochaClass from 'mocha';
import * as vscode from 'vscode';
import { resultsFileEnv, type TestFailure, type TestResults } from '../host/testResults.js';
import { describeError } from '../../daemon/src/protocol/index.js';

// Mocha's package entry is an ES module; its CommonJS build loads in every extension host, Electron's Node included.
const Mocha = createRequire(import.meta.url)('mocha/lib/mocha.cjs') as typeof MochaClass;

/** The entry runs as out/bundle/extension-tests.cjs: the repository root is two levels up. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const suiteDir = process.env['AGENT_TRACKER_TEST_SUITE_DIR'] ?? path.join(repoRoot, 'out', 'test', 'extension', 'suite');
// Inside the repository, so anything left external still resolves from node_modules; one folder per run, so two
// runs in the same tree never overwrite each other's bundles.
const suiteBundleDir = path.join(repoRoot, 'out', 'bundle', 'extension-suite', String(process.pid));

export async function run(): Promise<void> {
  // Stack traces of failures should name the TypeScript sources (through the bundles' and tsc's source maps).
  process.setSourceMapsEnabled(true);
  const results: TestResults = { vscodeVersion: vscode.version, passed: 0, failed: 0, pending: 0, failures: [] };
  try {
    // AGENT_TRACKER_TEST_GREP (passed through the server's environment) runs only the tests whose title matches.
    const grep = process.env['AGENT_TRACKER_TEST_GREP'] || undefined;
    const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 20_000, slow: 2_000, grep });
    for (const file of bundleSuites()) mocha.addFile(file);
    await runMocha(mocha, results);
  } catch (error) {
    // A suite that fails to build or throws while loading is a failure the runner must see, not a silent hang.
    results.failed++;
    results.failures.push(describeFailure('loading the extension test suites', error));
  } finally {
    writeResults(results);
    rmSync(suiteBundleDir, { recursive: true, force: true });
  }
  if (results.failed > 0) throw new Error(`${results.failed} extension test(s) failed`);
}

function runMocha(mocha: MochaClass, results: TestResults): Promise<void> {
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', () => results.passed++);
    runner.on('pending', () => results.pending++);
    runner.on('fail', (test, error: unknown) => {
      results.failed++;
      results.failures.push(describeFailure(test.fullTitle(), error));
    });
  });
}

/** Bundles every compiled `*.test.js` under the suite folder to CommonJS; returns the bundles, in a stable order. */
function bundleSuites(): string[] {
  if (!existsSync(suiteDir)) return [];
  const entries = readdirSync(suiteDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.test\.js$/.test(file))
    .sort()
    .map((file) => path.join(suiteDir, file));
  if (entries.length === 0) return [];
  rmSync(suiteBundleDir, { recursive: true, force: true });
  buildSync({
    entryPoints: entries,
    outdir: suiteBundleDir,
    outbase: suiteDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
    // As in scripts/build.mjs: bundled ES modules read import.meta.url.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  return entries.map((entry) => path.join(suiteBundleDir, path.relative(suiteDir, entry)).replace(/\.js$/, '.cjs'));
}

function describeFailure(title: string, error: unknown): TestFailure {
  if (error instanceof Error) {
    const stack = error.stack ?? '';
    return { title, error: stack.includes(error.message) ? stack : `${error.message}\n${stack}` };
  }
  return { title, error: describeError(error) };
}

/** Written whole, then renamed into place: the runner polls this file and must never read half of it. */
function writeResults(results: TestResults): void {
  const file = process.env[resultsFileEnv];
  if (file === undefined || file === '') return;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  renameSync(`${file}.tmp`, file);
}
