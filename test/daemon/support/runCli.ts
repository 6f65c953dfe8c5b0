/** Runs the compiled `agent-tracker` CLI as a child process and collects its output and exit code. */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_PATH } from './daemonProcess.js';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Written to the CLI's stdin (which is closed at once otherwise). */
  input?: string;
}

/** A clean environment: only what the test passes decides which daemon the CLI finds. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.AGENT_TRACKER_URL;
  delete env.AGENT_TRACKER_TOKEN;
  delete env.AGENT_TRACKER_HOME;
  delete env.AGENT_TRACKER_TASK_ID;
  delete env.AGENT_TRACKER_AGENT_ID;
  return { ...env, ...extra };
}

export function spawnCli(args: readonly string[], options: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const stdin = options.input === undefined ? 'ignore' : 'pipe';
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env: options.env ?? cliEnv(), stdio: [stdin, 'pipe', 'pipe'] });
  child.stdin?.end(options.input);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent-tracker ${args.join(' ')} did not finish in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, options).done;
}
