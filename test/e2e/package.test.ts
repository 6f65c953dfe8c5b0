// What the .vsix carries, read from a real install of it: what runs (the bundles, the icons the manifest names, the
// pages' stylesheets), and not the screenshots, which the README and docs/ show where the repository is.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../host/hostPaths.js';
import { ensureTestHost } from '../host/provision.js';
import { installExtension, makeServerDirs, removeServerDirs } from '../host/vscodeServer.js';
import { e2eOutputDir } from './trackerWorkbench.js';
import { builtVsix } from './vsixPath.js';

interface Manifest {
  main: string;
  icon: string;
  contributes: { viewsContainers: { activitybar: { icon: string }[] } };
}

/** The stylesheets the webview panels load from media/ (webviewHtml's `style`). */
const PAGE_STYLES = ['media/charts.css', 'media/taskPage.css', 'media/replay.css'];

describe('The packaged extension', function () {
  it('installs with what runs and without the screenshots', async function () {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
    await ensureTestHost();
    mkdirSync(e2eOutputDir, { recursive: true });
    const dirs = await makeServerDirs('agent-tracker-package');
    try {
      await installExtension(dirs, builtVsix(), path.join(e2eOutputDir, 'install-package.log'));
      const [folder, ...others] = readdirSync(dirs.extensions).filter((name) => name.startsWith('agent-tracker.'));
      assert.ok(folder !== undefined && others.length === 0, 'one installed extension');
      const files = readdirSync(path.join(dirs.extensions, folder), { recursive: true, encoding: 'utf8' }).map((f) => f.split(path.sep).join('/'));
      assert.deepEqual(files.filter((f) => /screenshot/i.test(f)), [], 'no screenshot in the package');
      const needed = [
        path.posix.normalize(manifest.main),
        manifest.icon,
        ...manifest.contributes.viewsContainers.activitybar.map((c) => c.icon),
        ...PAGE_STYLES,
        'README.md',
      ];
      // vsce writes the README as readme.md.
      const present = new Set(files.map((f) => f.toLowerCase()));
      assert.deepEqual(needed.filter((f) => !present.has(f.toLowerCase())), [], 'every file the manifest and the pages name is there');
    } finally {
      await removeServerDirs(dirs);
    }
  });
});
