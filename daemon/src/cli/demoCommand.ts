/**
 * `agent-tracker demo`: a fleet of simulated agents working through release trains of dependent tasks, with progress,
 * a failure and its retry, and one agent that falls silent mid-task so the daemon's stuck detection shows.
 */
import { Command } from 'commander';
import type { TrackerClient } from '../client/index.js';
import type { Task } from '../protocol/index.js';
import { action, connect, intOption, printLine, warn, withCommonOptions, type CommonOptions } from './context.js';
import { Narrator } from './demo/narrator.js';
import { demoAgents, ROUND_TASKS, type DemoTaskSpec } from './demo/scenario.js';
import { pause, SimulatedAgent, type DemoBoard } from './demo/simulatedAgent.js';
import { describeError } from '../protocol/index.js';

interface DemoOptions extends CommonOptions {
  agents: number;
  duration?: number;
  stepMs: number;
  leaseMs: number;
}

export function demoCommand(): Command {
  return withCommonOptions(new Command('demo'))
    .description('simulate a fleet of agents (Ctrl-C to stop)')
    .option('--agents <n>', 'how many agents, one of which falls silent', intOption(2, 50), 4)
    .option('--duration <seconds>', 'stop after this long (default: until Ctrl-C)', intOption(1, 86_400))
    .option('--step-ms <ms>', 'how long each work step takes', intOption(10, 600_000), 1500)
    .option('--lease-ms <ms>', 'lease the agents claim with: the silent task is stuck this long after it stops', intOption(1000, 600_000), 10_000)
    .action(action(demo));
}

async function demo(options: DemoOptions): Promise<number> {
  const client = await connect(options);
  const { seq } = await client.health();
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = options.duration ? setTimeout(onSignal, options.duration * 1000) : undefined;

  const narrator = new Narrator();
  const stream = client.stream({
    after: seq,
    onEvent: (event) => {
      if (options.json) return printLine(JSON.stringify(event));
      const line = narrator.line(event);
      if (line) printLine(line);
    },
    onRefused: (error) => warn(`the daemon refused the event stream (${error.message}); the agents go on without narration`),
  });

  const board = new Board();
  const specs = demoAgents(options.agents);
  const agents = specs.map((spec) => new SimulatedAgent(client, spec, board, options, stop.signal));
  if (!options.json) {
    printLine(`demo: ${agents.length} agents against ${client.endpoint.url}; ${specs.at(-1)?.id} will fall silent mid-task`);
  }
  const running = agents.map((agent) => agent.run().catch((error: unknown) => board.onError(agent.spec.id, error)));
  const lead = specs[0]?.id ?? 'demo-agent-1';
  let parent: Task | undefined;

  try {
    for (let round = 1; !stop.signal.aborted; round++) {
      parent = await startRound(client, board, round, lead);
      await waitForRound(client, parent, options.stepMs, stop.signal);
      if (!stop.signal.aborted) await client.transition(parent.id, { to: 'done', agentId: lead, result: { round } });
    }
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stop.abort();
    await Promise.all(agents.map((a) => a.release()));
    await Promise.all(running);
    if (parent) await closeRound(client, parent, lead).catch((error: unknown) => board.onError(lead, error));
    stream.close();
  }
  if (!options.json) await printSummary(client);
  return 0;
}

/** Creates one release train: a parent held by the lead agent, and its subtasks in dependency order. */
async function startRound(client: TrackerClient, board: Board, round: number, lead: string): Promise<Task> {
  const parent = await client.createTask({
    title: `Release 1.${round}`,
    type: 'release',
    state: 'active',
    agentId: lead,
    priority: 5,
    jobType: 'scheduled',
    triggerSource: 'agent-tracker demo',
    tags: ['demo'],
  });
  const ids = new Map<string, string>();
  for (const spec of ROUND_TASKS) {
    if (spec.firstRoundOnly && round > 1) continue;
    const task = await client.createTask({
      title: spec.title,
      type: spec.type,
      priority: spec.priority,
      parentId: parent.id,
      dependsOn: (spec.dependsOn ?? []).flatMap((key) => ids.get(key) ?? []),
      maxAttempts: spec.flaky ? 3 : undefined,
      jobType: 'api',
      triggerSource: 'agent-tracker demo',
      tags: ['demo', `round-${round}`],
    });
    ids.set(spec.key, task.id);
    board.add(task.id, spec);
  }
  return parent;
}

/** A round is over when each subtask has ended or is stuck (the silent agent's task stays stuck until reset). */
async function waitForRound(client: TrackerClient, parent: Task, stepMs: number, stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    const children = await client.listAllTasks({ parentId: parent.id });
    const open = children.filter((t) => !t.stuck && !['done', 'cancelled'].includes(t.state));
    if (open.length === 0) return;
    await pause(Math.max(200, stepMs), stop);
  }
}

/** Leaves nothing half-open but the stuck task, which is the point of the demo: the user resets it. */
async function closeRound(client: TrackerClient, parent: Task, lead: string): Promise<void> {
  const children = await client.listAllTasks({ parentId: parent.id });
  const reason = 'demo stopped';
  for (const task of children) {
    if (!task.stuck && ['backlog', 'pending', 'assigned', 'active', 'paused'].includes(task.state)) {
      await client.transition(task.id, { to: 'cancelled', reason });
    }
  }
  const current = await client.getTask(parent.id);
  if (current.state === 'active') await client.transition(parent.id, { to: 'cancelled', reason, agentId: lead });
}

async function printSummary(client: TrackerClient): Promise<void> {
  const tasks = await client.listAllTasks({ tag: 'demo' });
  const count = (pred: (t: Task) => boolean): number => tasks.filter(pred).length;
  printLine(
    `demo stopped: ${count((t) => t.state === 'done')} done, ${count((t) => t.attempts > 1)} retried, ` +
      `${count((t) => t.stuck !== null)} stuck, ${count((t) => t.state === 'cancelled')} cancelled. ` +
      'See them with `agent-tracker status` or in the VS Code sidebar.',
  );
}

class Board implements DemoBoard {
  private readonly specs = new Map<string, DemoTaskSpec>();
  private readonly failed = new Set<string>();
  errors = 0;

  add(taskId: string, spec: DemoTaskSpec): void {
    this.specs.set(taskId, spec);
  }

  owns(taskId: string): boolean {
    return this.specs.has(taskId);
  }

  spec(taskId: string): DemoTaskSpec | undefined {
    return this.specs.get(taskId);
  }

  shouldFail(taskId: string): boolean {
    if (!this.specs.get(taskId)?.flaky || this.failed.has(taskId)) return false;
    this.failed.add(taskId);
    return true;
  }

  onError(agentId: string, error: unknown): void {
    this.errors++;
    warn(`${agentId}: ${describeError(error)}`);
  }
}
