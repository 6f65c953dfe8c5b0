import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { extensionBundle, repoRoot } from '../host/hostPaths.js';

interface Manifest {
  name: string;
  version: string;
  scripts?: Record<string, string>;
}

/** The package `npm run package` writes (through `package:vsix`): its `-o`/`--out` file, else vsce's default name. */
export function builtVsix(): string {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
  const scripts = manifest.scripts ?? {};
  const out = /(?:-o|--out)\s+(\S+\.vsix)/.exec(`${scripts['package:vsix'] ?? ''} ${scripts['package'] ?? ''}`)?.[1];
  const vsix = path.resolve(repoRoot, out ?? `${manifest.name}-${manifest.version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`no ${path.basename(vsix)}: run \`npm run package\` first`);
  // A package older than the extension bundle would test yesterday's extension.
  if (existsSync(extensionBundle) && statSync(vsix).mtimeMs < statSync(extensionBundle).mtimeMs) {
    throw new Error(`${path.basename(vsix)} is older than ${path.relative(repoRoot, extensionBundle)}: run \`npm run package\``);
  }
  return vsix;
}
