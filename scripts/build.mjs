// Builds everything into out/: type-checked JavaScript from tsc (daemon, CLI, tests, benchmarks), then the esbuild
// bundles that ship in the .vsix (the extension, its pages' scripts, and a self-contained daemon that needs no
// node_modules).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

// Every project is checked before the build stops, so that a changed view model shows its errors in the extension and
// in the page scripts that draw it at once.
const failed = [
  'tsconfig.daemon.json',
  'tsconfig.extension.json',
  // The browser side (the webviews' page scripts and the web board) is type-checked with DOM types, against the view
  // models and messages of the extension it imports types from, and bundled below; tsc emits nothing for it.
  'tsconfig.browser.json',
].filter((project) => {
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { stdio: 'inherit' });
    return false;
  } catch {
    return true;
  }
});
if (failed.length) {
  console.error(`type errors in ${failed.join(', ')}`);
  process.exit(1);
}

const bundles = [
  // VS Code loads extensions as CommonJS; `vscode` is provided by the host.
  { entry: 'extension/src/extension.ts', outfile: 'out/bundle/extension.cjs', external: ['vscode'] },
  // The daemon the extension starts when none runs: one file, so the .vsix carries no node_modules. pg's optional
  // native binding (pg-native) is not used: pg loads it only when asked for.
  { entry: 'daemon/src/cli.ts', outfile: 'out/bundle/agent-tracker.cjs', external: ['pg-native'] },
  // The hook forwarder agents run on every event: node builtins only, minified, copied into the tracker home.
  { entry: 'daemon/src/cli/hooks/forwarderMain.ts', outfile: 'out/bundle/agent-tracker-hook.cjs', external: [], lean: true },
  // The extension test entry, loaded by the extension host with `require`; it bundles the suites at run time.
  { entry: 'test/extension/index.ts', outfile: 'out/bundle/extension-tests.cjs', external: ['vscode', 'esbuild'] },
];

await Promise.all(
  bundles
    .filter((b) => existsSync(b.entry))
    .map((b) =>
      build({
        entryPoints: [b.entry],
        outfile: b.outfile,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        sourcemap: !b.lean,
        minify: b.lean === true,
        external: b.external,
        // `#protocol` and `#client` (package.json `imports`) resolve to their TypeScript sources.
        conditions: ['source'],
        logLevel: 'warning',
        // jsonc-parser's `main` is a UMD build whose internal requires esbuild cannot follow; its ESM build bundles.
        alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
        // Bundled ESM dependencies read import.meta.url; give the CommonJS bundle the equivalent.
        define: { 'import.meta.url': 'importMetaUrl' },
        banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
      }),
    ),
);

const browser = {
  entryNames: '[name]',
  bundle: true,
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  format: 'iife',
  minify: true,
  sourcemap: false,
  conditions: ['source'],
  logLevel: 'warning',
};
await Promise.all([
  // Each webview's script, loaded by its panel from out/bundle/webview/ (extension/src/webviews/webviewHtml.ts).
  build({ ...browser, entryPoints: ['taskPage', 'timeline', 'dashboard', 'replay'].map((page) => `extension/webview/entries/${page}.ts`), outdir: 'out/bundle/webview' }),
  // The web board: its script and stylesheet, built from the extension's vscode-free models and its page scripts, so
  // the board and the webviews cannot drift. Served by the daemon from out/bundle/web/.
  build({ ...browser, entryPoints: ['web/board.ts', 'web/board.css'], outdir: 'out/bundle/web' }),
]);
