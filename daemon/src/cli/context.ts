/** What every command shares: `--home` and `--json`, finding the daemon, printing, and turning failures into exit codes. */
import { InvalidArgumentError, type Command } from 'commander';
import { DaemonUnreachableError, TrackerApiError, TrackerClient } from '../client/index.js';
import { EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_USAGE, UsageError } from './exitCodes.js';
import { describeError } from '../protocol/index.js';

export interface CommonOptions {
  home?: string;
  json?: boolean;
}

/** Adds the options every command takes; they sit on each command so that they may come anywhere on the line. */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--home <dir>', 'daemon home (default: $AGENT_TRACKER_HOME or ~/.agent-tracker)')
    .option('--json', 'machine-readable output on stdout');
}

export async function connect(options: CommonOptions): Promise<TrackerClient> {
  return TrackerClient.connect({ home: options.home });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function warn(text: string): void {
  process.stderr.write(`agent-tracker: ${text}\n`);
}

/** Prints human text, or the value as JSON with `--json`. */
export function output(options: CommonOptions, value: unknown, human: () => string): void {
  if (options.json) printJson(value);
  else printLine(human());
}

/** Maps a failure to its exit code and explains it: on stderr always, and as `{ error }` on stdout with `--json`. */
export function reportFailure(error: unknown, json: boolean): number {
  if (error instanceof TrackerApiError) {
    if (json) printJson({ error: { code: error.code, message: error.message, details: error.details } });
    warn(`${error.code}: ${error.message}${describeDetails(error.details)}`);
    return EXIT_REFUSED;
  }
  if (error instanceof DaemonUnreachableError) {
    if (json) printJson({ error: { code: 'unreachable', message: error.message } });
    warn(error.message);
    return EXIT_UNREACHABLE;
  }
  if (error instanceof UsageError || error instanceof InvalidArgumentError) {
    warn(error.message);
    return EXIT_USAGE;
  }
  warn(describeError(error, { stack: true }));
  return EXIT_REFUSED;
}

function describeDetails(details: unknown): string {
  if (details === undefined || details === null) return '';
  if (typeof details === 'object' && 'allowed' in details) {
    const { from, to, allowed } = details as { from?: unknown; to?: unknown; allowed?: unknown };
    const list = Array.isArray(allowed) ? allowed.join(', ') || 'none' : String(allowed);
    return ` (from ${String(from)} to ${String(to)}; allowed: ${list})`;
  }
  if (Array.isArray(details) && details.every((d) => typeof d === 'object' && d !== null && 'message' in d)) {
    // validation_failed: the failing fields
    const fields = details as { path?: unknown; message: unknown }[];
    return ` (${fields.map((d) => `${typeof d.path === 'string' && d.path ? `${d.path}: ` : ''}${String(d.message)}`).join('; ')})`;
  }
  return ` ${JSON.stringify(details)}`;
}

/** An action that resolves to an exit code; every command's action goes through here. */
export type Action<A extends unknown[]> = (...args: A) => Promise<number | void>;

/** Sets `process.exitCode` from the action's result or failure, so output is flushed before the process ends. */
export function action<A extends unknown[]>(run: Action<A>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    const json = Boolean(command.opts<CommonOptions>().json);
    try {
      process.exitCode = (await run(...args)) ?? 0;
    } catch (error) {
      process.exitCode = reportFailure(error, json);
    }
  };
}

// ---- Option parsers (commander calls these; InvalidArgumentError is a usage error, exit 2) ---------------------------

export function intOption(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

export function listOption(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export { EXIT_USAGE };
