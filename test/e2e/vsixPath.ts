import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { extensionBundle, repoRoot } from '../host/hostPaths.js';

/** The package `npm run package` writes: `<name>-<version>.vsix` at the repository root, as vsce names it. */
export function builtVsix(): string {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`no ${path.basename(vsix)}: run \`npm run package\` first`);
  // A package older than the extension bundle would test yesterday's extension.
  if (existsSync(extensionBundle) && statSync(vsix).mtimeMs < statSync(extensionBundle).mtimeMs) {
    throw new Error(`${path.basename(vsix)} is older than ${path.relative(repoRoot, extensionBundle)}: run \`npm run package\``);
  }
  return vsix;
}
