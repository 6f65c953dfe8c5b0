/**
 * The extension talks to the daemon only through the one client: no HTTP, WebSocket or socket code of its own, and
 * shared code through the package's `#protocol` / `#client` imports rather than paths into the daemon's sources.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** out/test/daemon/client/ -> extension/src */
const EXTENSION_SRC = fileURLToPath(new URL('../../../../extension/src', import.meta.url));

const FORBIDDEN_MODULES = ['http', 'https', 'net', 'tls', 'ws', 'undici'];

function sources(): { file: string; text: string }[] {
  return readdirSync(EXTENSION_SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ file, text: readFileSync(join(EXTENSION_SRC, file), 'utf8') }));
}

function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string);
}

describe('client: the extension uses the one client', () => {
  const files = sources();

  it('finds the extension sources', () => {
    assert.ok(files.length > 20, `${files.length} files under ${EXTENSION_SRC}`);
  });

  it('imports no http, https, net, ws of its own and calls no global fetch', () => {
    const offenders: string[] = [];
    for (const { file, text } of files) {
      for (const spec of importsOf(text)) {
        if (FORBIDDEN_MODULES.includes(spec.replace(/^node:/, ''))) offenders.push(`${file}: imports ${spec}`);
      }
      if (/(?<![.\w])fetch\s*\(/.test(text)) offenders.push(`${file}: calls fetch`);
    }
    assert.deepEqual(offenders, []);
  });

  it('reaches shared code through #protocol and #client, never a path into daemon/src', () => {
    const offenders = files.flatMap(({ file, text }) =>
      importsOf(text).filter((spec) => spec.includes('daemon/src')).map((spec) => `${file}: ${spec}`),
    );
    assert.deepEqual(offenders, []);
  });
});
