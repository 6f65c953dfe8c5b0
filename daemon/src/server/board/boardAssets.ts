/**
 * Where the board's bundled files are: `out/bundle/web/` next to the daemon's bundle, or reached from the compiled
 * sources in `out/daemon/src/server/board/`. Only the files named here are served.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const FILES: Record<string, string> = {
  'board.js': 'text/javascript; charset=utf-8',
  'board.css': 'text/css; charset=utf-8',
};

let dir: string | undefined;

function assetDir(): string {
  if (dir) return dir;
  const here = fileURLToPath(new URL('.', import.meta.url));
  const beside = join(here, 'web');
  dir = existsSync(join(beside, 'board.js')) ? beside : join(here, '..', '..', '..', '..', 'bundle', 'web');
  return dir;
}

export function boardAsset(file: string): { path: string; type: string } | undefined {
  const type = Object.hasOwn(FILES, file) ? FILES[file] : undefined;
  return type ? { path: join(assetDir(), file), type } : undefined;
}
