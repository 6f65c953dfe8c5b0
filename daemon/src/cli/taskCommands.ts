/** `agent-tracker task ...`: create, move through the state machine, report progress, show and list. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { TASK_STATES, type CreateTaskInput, type TaskState, type TransitionInput } from '../protocol/index.js';
import { action, connect, intOption, listOption, output, withCommonOptions, type CommonOptions } from './context.js';
import { renderEvent, renderTask, renderTaskTable, taskState } from './taskFormat.js';

interface CreateOptions extends CommonOptions {
  title: string;
  id?: string;
  type?: string;
  agent?: string;
  priority?: number;
  /** false with --no-parent: a top-level task even under AGENT_TRACKER_TASK_ID. */
  parent?: string | false;
  dependsOn?: string[];
  description?: string;
  tags?: string[];
  state?: 'pending' | 'backlog' | 'active';
  maxAttempts?: number;
  requestId?: string;
}

interface MoveOptions extends CommonOptions {
  message?: string;
  agent?: string;
}

/** The verbs of the state machine a user types, and the state each one asks for. */
const MOVES: readonly { verb: string; to: TaskState; help: string }[] = [
  { verb: 'start', to: 'active', help: 'start work on a task (-> active)' },
  { verb: 'done', to: 'done', help: 'mark a task done' },
  { verb: 'fail', to: 'failed', help: 'mark a task failed (--message: the error)' },
  { verb: 'cancel', to: 'cancelled', help: 'cancel a task' },
  { verb: 'pause', to: 'paused', help: 'pause an active task' },
  { verb: 'resume', to: 'active', help: 'resume a paused task' },
  { verb: 'retry', to: 'pending', help: 'send a failed task back to pending' },
];

export function taskCommands(): Command {
  const task = new Command('task').description('create, update and inspect tasks');

  withCommonOptions(task.command('create').description('create a task'))
    .requiredOption('--title <title>', 'what the task is')
    .option('--id <id>', 'task id (default: generated)')
    .option('--type <type>', 'task type, matched against agent capabilities')
    .option('--agent <agentId>', 'assignee')
    .option('--priority <n>', 'priority 1..10 (default 5)', intOption(1, 10))
    .option('--parent <id>', 'parent task (default: $AGENT_TRACKER_TASK_ID, set by agent-tracker run)')
    .option('--no-parent', 'a top-level task, even under AGENT_TRACKER_TASK_ID')
    .option('--depends-on <ids>', 'comma-separated ids of tasks that must be done first', listOption)
    .option('--description <text>', 'longer description')
    .option('--tags <tags>', 'comma-separated tags', listOption)
    .addOption(new Option('--state <state>', 'initial state').choices(['pending', 'backlog', 'active']))
    .option('--max-attempts <n>', 'how many starts a retry may reach', intOption(1, 1000))
    .option('--request-id <id>', 'the request or event that triggered the task')
    .action(action(createTask));

  for (const move of MOVES) {
    withCommonOptions(task.command(`${move.verb} <id>`).description(move.help))
      .option('--message <text>', 'reason (for fail: the error message)')
      .option('--agent <agentId>', 'the agent making the change')
      .action(action((id: string, options: MoveOptions) => moveTask(id, move.to, options)));
  }

  withCommonOptions(task.command('progress <id>').description('report progress'))
    .requiredOption('--progress <n>', 'percent done, 0..100', intOption(0, 100))
    .option('--step <text>', 'current step or phase')
    .option('--agent <agentId>', 'the reporting agent')
    .action(action(reportProgress));

  withCommonOptions(task.command('show <id>').description('show a task and its latest events'))
    .option('--events <n>', 'how many recent events to show', intOption(0, 1000), 10)
    .action(action(showTask));

  withCommonOptions(task.command('list').description('list tasks'))
    .option('--state <states>', `comma-separated states (${TASK_STATES.join(', ')})`, stateList)
    .option('--agent <agentId>', 'only this agent\'s tasks')
    .option('--stuck', 'only stuck tasks')
    .option('--limit <n>', 'at most this many (default 100)', intOption(1, 1000))
    .action(action(listTasks));

  return task;
}

async function createTask(options: CreateOptions): Promise<void> {
  const client = await connect(options);
  const body: CreateTaskInput = {
    title: options.title,
    id: options.id,
    type: options.type,
    agentId: options.agent,
    priority: options.priority,
    parentId: options.parent === false ? null : options.parent,
    dependsOn: options.dependsOn,
    description: options.description,
    tags: options.tags,
    state: options.state,
    maxAttempts: options.maxAttempts,
    requestId: options.requestId,
    jobType: 'manual',
    triggerSource: 'cli',
  };
  const task = await client.createTask(body);
  output(options, task, () => `created ${task.id} (${taskState(task)}): ${task.title}`);
}

async function moveTask(id: string, to: TaskState, options: MoveOptions): Promise<void> {
  const client = await connect(options);
  const body: TransitionInput = { to, agentId: options.agent };
  if (options.message !== undefined) {
    if (to === 'failed') body.error = { message: options.message };
    else body.reason = options.message;
  }
  const task = await client.transition(id, body);
  output(options, task, () => `${task.id}: ${taskState(task)}`);
}

async function reportProgress(id: string, options: CommonOptions & { progress: number; step?: string; agent?: string }): Promise<void> {
  const client = await connect(options);
  await client.apply({ op: 'progress', taskId: id, agentId: options.agent, progress: options.progress, step: options.step });
  const task = await client.getTask(id);
  output(options, task, () => `${task.id}: ${task.progress}%${task.step ? ` (${task.step})` : ''}`);
}

async function showTask(id: string, options: CommonOptions & { events: number }): Promise<void> {
  const client = await connect(options);
  const task = await client.getTask(id);
  if (options.json) {
    output(options, task, () => '');
    return;
  }
  const events = options.events > 0 ? (await client.taskEvents(id, { limit: 1000 })).items.slice(-options.events) : [];
  const recent = events.length ? `\n\nrecent events:\n${events.map((e) => `  ${renderEvent(e)}`).join('\n')}` : '';
  output(options, task, () => `${renderTask(task)}${recent}`);
}

async function listTasks(options: CommonOptions & { state?: TaskState[]; agent?: string; stuck?: boolean; limit?: number }): Promise<void> {
  const client = await connect(options);
  const page = await client.listTasks({
    state: options.state,
    agentId: options.agent,
    stuck: options.stuck || undefined,
    limit: options.limit,
  });
  output(options, page, () => {
    const more = page.total > page.items.length ? `\n(${page.items.length} of ${page.total}; use --limit)` : '';
    return `${renderTaskTable(page.items)}${more}`;
  });
}

function stateList(value: string): TaskState[] {
  const states = listOption(value);
  const unknown = states.filter((s) => !(TASK_STATES as readonly string[]).includes(s));
  if (unknown.length) throw new InvalidArgumentError(`unknown state ${unknown.join(', ')} (one of ${TASK_STATES.join(', ')})`);
  return states as TaskState[];
}
