/**
 * `agent-tracker` on PATH in VS Code's integrated terminals: a small launcher in the extension's storage runs the CLI
 * bundled with the extension under VS Code's own runtime, and the terminals' environment puts its folder first on
 * PATH (and names the home this window uses), so the welcome view's advice and the docs' commands work as typed.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as vscode from 'vscode';

/** A string as one word for /bin/sh. */
function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Writes the launchers (sh, and cmd for Windows) into `binDir`; returns the folder. */
export function writeCliLaunchers(binDir: string, runtime: string, bundlePath: string): string {
  mkdirSync(binDir, { recursive: true });
  const sh = path.join(binDir, 'agent-tracker');
  writeFileSync(sh, `#!/bin/sh\nELECTRON_RUN_AS_NODE=1 exec ${shQuote(runtime)} ${shQuote(bundlePath)} "$@"\n`);
  chmodSync(sh, 0o755);
  writeFileSync(path.join(binDir, 'agent-tracker.cmd'), `@echo off\r\nset ELECTRON_RUN_AS_NODE=1\r\n"${runtime}" "${bundlePath}" %*\r\n`);
  return binDir;
}

export function putCliOnPath(context: vscode.ExtensionContext, bundlePath: string, chosenHome: string | undefined): string {
  const binDir = writeCliLaunchers(path.join(context.globalStorageUri.fsPath, 'bin'), process.execPath, bundlePath);
  const env = context.environmentVariableCollection;
  env.description = 'Puts the agent-tracker command of the Agent Tracker extension on PATH';
  env.prepend('PATH', `${binDir}${path.delimiter}`);
  if (chosenHome) env.replace('AGENT_TRACKER_HOME', chosenHome);
  else env.delete('AGENT_TRACKER_HOME');
  return binDir;
}
