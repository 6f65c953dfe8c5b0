/**
 * Keeps the forwarder in the tracker home, where hook commands can rely on it: `<home>/bin/agent-tracker-hook.cjs`
 * (the bundled forwarder) and `<home>/bin/agent-tracker-hook` (a launcher that runs it with a runtime known to exist:
 * the one running now, by absolute path; VS Code's Electron as Node when the extension runs it). Rewritten by `hooks
 * install` and at every daemon start, so hooks survive updates of the package or the extension (whose folder changes
 * with every version) and need no `node` on PATH.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from './shellQuote.js';

export const FORWARDER_BUNDLE = 'agent-tracker-hook.cjs';
export const FORWARDER_LAUNCHER = 'agent-tracker-hook';

export interface ForwarderPaths {
  bundle: string;
  launcher: string;
}

export function forwarderPaths(home: string): ForwarderPaths {
  const bin = path.join(home, 'bin');
  return { bundle: path.join(bin, FORWARDER_BUNDLE), launcher: path.join(bin, FORWARDER_LAUNCHER) };
}

/** The bundle this build ships: beside the bundled CLI, or in out/bundle/ next to the compiled sources. */
export function shippedForwarder(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const candidates = [path.join(path.dirname(here), FORWARDER_BUNDLE), path.resolve(path.dirname(here), '..', '..', '..', '..', 'bundle', FORWARDER_BUNDLE)];
  return candidates.find((file) => existsSync(file));
}

/** The runtime that runs the forwarder: this process's own (under Electron, as plain Node). */
export function currentRuntime(): { exec: string; electron: boolean } {
  return { exec: process.execPath, electron: process.versions['electron'] !== undefined };
}

/**
 * Writes (or refreshes) the forwarder and its launcher in `home`; returns their paths. Files are replaced atomically
 * and only when their content changes, so a hook running at the same moment sees the old or the new file, whole.
 */
export function installForwarder(home: string, runtime = currentRuntime()): ForwarderPaths {
  const source = shippedForwarder();
  if (source === undefined) throw new Error(`the hook forwarder (${FORWARDER_BUNDLE}) is missing from this build; run npm run build`);
  const paths = forwarderPaths(home);
  // The home may not exist yet: create it as the daemon does, for its owner only.
  mkdirSync(path.dirname(paths.bundle), { recursive: true, mode: 0o700 });
  writeIfChanged(paths.bundle, readFileSync(source, 'utf8'), 0o644);
  writeIfChanged(paths.launcher, launcherScript(home, paths.bundle, runtime), 0o755);
  return paths;
}

function launcherScript(home: string, bundle: string, runtime: { exec: string; electron: boolean }): string {
  const env = [`AGENT_TRACKER_HOME=${shellQuote(home)}`, ...(runtime.electron ? ['ELECTRON_RUN_AS_NODE=1'] : [])];
  return [
    '#!/bin/sh',
    '# Agent Tracker hook forwarder: run by the hooks `agent-tracker hooks install` added to your agents. Rewritten by',
    '# `hooks install` and at each daemon start; remove the hooks with `agent-tracker hooks uninstall`.',
    `${env.map((e) => `export ${e}`).join('\n')}`,
    `exec ${shellQuote(runtime.exec)} ${shellQuote(bundle)} "$@"`,
    '',
  ].join('\n');
}

function writeIfChanged(file: string, text: string, mode: number): void {
  try {
    if (readFileSync(file, 'utf8') === text) return;
  } catch {
    // Not there yet.
  }
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode });
  renameSync(temp, file);
}

/** The shell command a hook entry runs for `kind` (agents run it through `sh -c`). */
export function forwarderCommand(home: string, kind: string): string {
  return `${shellQuote(forwarderPaths(home).launcher)} ${kind}`;
}
