/**
 * Runs the CLI bundled with the extension (the same file the daemon runs from) as a child process, on the configured
 * home: VS Code's own runtime runs it as plain Node, so nothing has to be installed or on PATH.
 */
import { execFile } from 'node:child_process';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const TIMEOUT_MS = 30_000;

export function runBundledCli(bundlePath: string, home: string, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bundlePath, ...args, '--home', home],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', AGENT_TRACKER_HOME: home }, timeout: TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}
