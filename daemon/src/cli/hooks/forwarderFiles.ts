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
/** Windows runs hook commands through cmd.exe or PowerShell, which cannot run a `/bin/sh` script. */
export const FORWARDER_WINDOWS_LAUNCHER = 'agent-tracker-hook.cmd';

export interface ForwarderPaths {
  bundle: string;
  launcher: string;
  windowsLauncher: string;
}

export function forwarderPaths(home: string, platform: NodeJS.Platform = process.platform): ForwarderPaths {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const bin = paths.join(home, 'bin');
  return { bundle: paths.join(bin, FORWARDER_BUNDLE), launcher: paths.join(bin, FORWARDER_LAUNCHER), windowsLauncher: paths.join(bin, FORWARDER_WINDOWS_LAUNCHER) };
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
export function installForwarder(home: string, runtime = currentRuntime(), platform: NodeJS.Platform = process.platform): ForwarderPaths {
  const source = shippedForwarder();
  if (source === undefined) throw new Error(`the hook forwarder (${FORWARDER_BUNDLE}) is missing from this build; run npm run build`);
  const paths = forwarderPaths(home, platform);
  // The home may not exist yet: create it as the daemon does, for its owner only.
  mkdirSync(path.dirname(paths.bundle), { recursive: true, mode: 0o700 });
  writeIfChanged(paths.bundle, readFileSync(source, 'utf8'), 0o644);
  // The shell script on every platform (Git Bash and WSL run it on Windows too); the .cmd where Windows shells run hooks.
  writeIfChanged(paths.launcher, launcherScript(home, paths.bundle, runtime), 0o755);
  if (platform === 'win32') writeIfChanged(paths.windowsLauncher, windowsLauncherScript(home, paths.bundle, runtime), 0o755);
  return paths;
}

/**
 * The launcher cmd.exe runs (and PowerShell, which hands a .cmd to cmd.exe): the same environment and runtime as the
 * shell script; `exit /b 0` so that a runtime that cannot start never fails the agent's hook. In a batch file `%`
 * must be doubled; Windows paths cannot hold `"`, and inside quotes `&`, `^`, `|` are plain characters.
 */
export function windowsLauncherScript(home: string, bundle: string, runtime: { exec: string; electron: boolean }): string {
  const literal = (text: string) => text.replace(/%/g, '%%');
  return [
    '@echo off',
    'rem Agent Tracker hook forwarder: run by the hooks `agent-tracker hooks install` added to your agents. Rewritten by',
    'rem `hooks install` and at each daemon start; remove the hooks with `agent-tracker hooks uninstall`.',
    'setlocal',
    `set "AGENT_TRACKER_HOME=${literal(home)}"`,
    ...(runtime.electron ? ['set "ELECTRON_RUN_AS_NODE=1"'] : []),
    `"${literal(runtime.exec)}" "${literal(bundle)}" %*`,
    'exit /b 0',
    '',
  ].join('\r\n');
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

/**
 * The command a hook entry runs for `kind`. Elsewhere than on Windows: the shell script, quoted for `sh -c`, as agents
 * run it there. On Windows: the .cmd launcher, quoted, which cmd.exe and POSIX shells (Git Bash) run as is;
 * PowerShell takes a quoted command only after its call operator, so an agent that runs hooks through PowerShell
 * gets `& "..." kind`.
 */
export function forwarderCommand(home: string, kind: string, platform: NodeJS.Platform = process.platform, shell: 'cmd' | 'powershell' = 'cmd'): string {
  const paths = forwarderPaths(home, platform);
  if (platform !== 'win32') return `${shellQuote(paths.launcher)} ${kind}`;
  return `${shell === 'powershell' ? '& ' : ''}"${paths.windowsLauncher}" ${kind}`;
}
