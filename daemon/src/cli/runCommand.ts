/**
 * `agent-tracker run -- COMMAND...`: runs a command as a tracked task. Its output and exit status pass through; the
 * task is active while it runs (heartbeats), gets the last lines of output as logs, and ends done, failed or cancelled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants, hostname } from 'node:os';
import { Command } from 'commander';
import type { TaskHandle } from '../client/index.js';
import type { Task } from '../protocol/index.js';
import { action, connect, intOption, printJson, warn, withCommonOptions, type CommonOptions } from './context.js';
import { UsageError } from './exitCodes.js';
import { defaultAgentId } from './run/agentIdentity.js';
import { OutputTail } from './run/outputTail.js';
import { duration, truncate } from './table.js';
import { describeError } from '../protocol/index.js';

interface RunOptions extends CommonOptions {
  title?: string;
  agent?: string;
  type?: string;
  priority?: number;
  heartbeatMs?: number;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the child could not be started at all. */
  spawnError?: Error;
}

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function runCommand(): Command {
  return withCommonOptions(new Command('run'))
    .description('run a command as a tracked task (exit status passes through)')
    .argument('<command...>', 'the command and its arguments (put them after --)')
    .option('--title <title>', 'task title (default: the command line)')
    .option('--agent <agentId>', 'reporting agent (default: $AGENT_TRACKER_AGENT_ID, else <user>.<host>)')
    .option('--type <type>', 'task type (default: command)')
    .option('--priority <n>', 'priority 1..10', intOption(1, 10))
    .option('--heartbeat-ms <ms>', 'heartbeat period (default: a third of the lease, at most 10 s)', intOption(100, 600_000))
    .passThroughOptions()
    .action(action(run));
}

async function run(argv: string[], options: RunOptions): Promise<number> {
  const [file, ...args] = argv;
  if (!file) throw new UsageError('run needs a command after --');
  const client = await connect(options);
  // Inside another run the agent is the outer one's: its process, not ours, stands for it.
  const inherited = options.agent === undefined ? process.env.AGENT_TRACKER_AGENT_ID || undefined : undefined;
  const agentId = options.agent ?? inherited ?? defaultAgentId();
  const commandLine = argv.join(' ');
  if (!inherited) {
    await client.heartbeatAgent(agentId, {
      name: agentId,
      meta: { pid: process.pid, host: hostname(), cwd: process.cwd() },
    });
  }

  let child: ChildProcess | undefined;
  let lostReason: string | undefined;
  let warned = false;
  const handle = await client.startTask(
    {
      title: options.title ?? truncate(commandLine, 500),
      agentId,
      type: options.type ?? 'command',
      priority: options.priority,
      jobType: 'manual',
      triggerSource: 'agent-tracker run',
      input: { command: file, args, cwd: process.cwd() },
    },
    {
      heartbeatMs: options.heartbeatMs,
      // Cancelled or reset from elsewhere (the sidebar, another terminal): the work is no longer wanted.
      onLost: (reason) => {
        lostReason = reason;
        warn(`task stopped by the daemon (${reason}); stopping the command`);
        child?.kill('SIGTERM');
      },
      onHeartbeatError: (error) => {
        if (warned) return;
        warned = true;
        warn(`heartbeat failed (${describeError(error)}); still trying`);
      },
    },
  );

  const tail = new OutputTail((message) => handle.log(message));
  const started = Date.now();
  let interruptedBy: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals): void => {
    interruptedBy ??= signal;
    child?.kill(signal);
  };
  for (const signal of FORWARDED) process.on(signal, forward);

  try {
    // Nested work: whatever the command creates (another run, the CLI, the client) becomes a child of this task.
    const env = { ...process.env, AGENT_TRACKER_TASK_ID: handle.id, AGENT_TRACKER_AGENT_ID: agentId };
    child = spawn(file, args, { stdio: ['inherit', 'pipe', 'pipe'], env });
    const outcome = await supervise(child, tail);
    await tail.flush();
    const durationMs = Date.now() - started;
    const result = { exitCode: outcome.code, signal: outcome.signal, durationMs, command: commandLine };
    const task = await finish(handle, outcome, result, interruptedBy, lostReason);
    const exitCode = exitStatus(outcome);
    if (options.json) printJson({ task, exitCode });
    else if (task) warn(`task ${task.id} ${task.state} (exit ${outcome.signal ?? String(outcome.code)}, ${duration(durationMs)})`);
    return exitCode;
  } finally {
    handle.stop();
    for (const signal of FORWARDED) process.off(signal, forward);
  }
}

/** Copies the child's output through (respecting backpressure) into the tail; resolves when it has exited. */
function supervise(child: ChildProcess, tail: OutputTail): Promise<Outcome> {
  const relay = (source: NodeJS.ReadableStream | null, sink: NodeJS.WriteStream, name: string): void => {
    source?.on('data', (chunk: Buffer) => {
      if (!sink.write(chunk)) {
        source.pause();
        sink.once('drain', () => source.resume());
      }
      tail.push(name, chunk.toString('utf8'));
    });
  };
  relay(child.stdout, process.stdout, 'stdout');
  relay(child.stderr, process.stderr, 'stderr');
  return new Promise((resolve) => {
    child.once('error', (spawnError) => resolve({ code: 127, signal: null, spawnError }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
}

async function finish(
  handle: TaskHandle,
  outcome: Outcome,
  result: Record<string, unknown>,
  interruptedBy: NodeJS.Signals | undefined,
  lostReason: string | undefined,
): Promise<Task | undefined> {
  try {
    if (lostReason) return handle.task;
    if (outcome.spawnError) {
      warn(`cannot run ${String(result.command)}: ${outcome.spawnError.message}`);
      return await handle.fail(`cannot start: ${outcome.spawnError.message}`, { result });
    }
    if (interruptedBy) return await handle.cancel(`interrupted by ${interruptedBy}`, result);
    if (outcome.code === 0) return await handle.done(result);
    const why = outcome.signal ? `killed by ${outcome.signal}` : `exited with status ${String(outcome.code)}`;
    return await handle.fail(why, { result });
  } catch (error) {
    // The command's own exit status matters more than the bookkeeping: report, then pass the status through.
    warn(`could not record the end of the task: ${describeError(error)}`);
    return undefined;
  }
}

/** The shell's convention: the exit code, or 128 + the signal number. */
function exitStatus(outcome: Outcome): number {
  if (outcome.code !== null) return outcome.code;
  const number = outcome.signal ? constants.signals[outcome.signal] : undefined;
  return number ? 128 + number : 1;
}
