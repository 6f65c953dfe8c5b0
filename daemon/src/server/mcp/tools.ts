/**
 * The tracker's MCP tools: one table served over stdio (`agent-tracker mcp`) and over Streamable HTTP (`POST /mcp`).
 * Every tool is a call of the HTTP API through the project's client, so an MCP call takes exactly the path of any other
 * request (validation, idempotency, durability) and there is no second implementation of a route.
 * Input schemas are the protocol's own request schemas; the tools only name the task in the same object.
 */
import { z } from 'zod';
import {
  CreateTaskBody,
  Id,
  Label,
  LogCommand,
  MAX_LIST_LIMIT,
  NextBody,
  ProgressCommand,
  TaskStateSchema,
  TransitionBody,
  type Agent,
  type Task,
} from '../../protocol/index.js';
import type { TrackerClient } from '../../client/index.js';

/** The client to call with; the stdio server finds the daemon again on each call, so it may start after the agent. */
export type ClientSource = () => Promise<TrackerClient>;

export interface McpTool<S extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  inputSchema: S;
  readOnly: boolean;
  run(client: TrackerClient, args: z.infer<S>): Promise<unknown>;
}

const defineTool = <S extends z.ZodObject>(tool: McpTool<S>): McpTool => tool;

/** A batch command's fields, minus `op` (the tool names it) and the command `id` (each call gets its own key). */
const commandFields = { op: true, id: true } as const;

const ListTasksInput = z.strictObject({
  state: z.array(TaskStateSchema).optional().describe('only tasks in these states'),
  agentId: Id.optional(),
  tag: Label.optional(),
  parentId: Id.optional(),
  requestId: Label.optional(),
  stuck: z.boolean().optional(),
  q: Label.optional().describe('text to find in id, title, description or step'),
  limit: z.int().min(1).max(MAX_LIST_LIMIT).optional(),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});

const TaskRef = z.strictObject({ taskId: Id });
const ProgressInput = ProgressCommand.omit(commandFields);
const LogInput = LogCommand.omit(commandFields);
const TransitionInput = z.strictObject({ taskId: Id, ...TransitionBody.shape });
const ClaimNextInput = z.strictObject({ agentId: Id, leaseMs: NextBody.shape.leaseMs });

/** What a listing shows of each task: enough to choose one; `tracker_get_task` has the rest. */
function summarize(task: Task) {
  return {
    id: task.id,
    title: task.title,
    state: task.state,
    agentId: task.agentId,
    priority: task.priority,
    progress: task.progress,
    step: task.step,
    parentId: task.parentId,
    stuck: task.stuck?.reason ?? null,
    blocked: task.blocked,
    updatedAt: task.updatedAt,
  };
}

function summarizeAgent(agent: Agent) {
  return { id: agent.id, name: agent.name, status: agent.status, lastSeenAt: agent.lastSeenAt, capabilities: agent.capabilities };
}

export const MCP_TOOLS: readonly McpTool[] = [
  defineTool({
    name: 'tracker_list_tasks',
    title: 'List tasks',
    description: 'Lists tracked tasks (creation order), filtered by state, agent, tag, parent, request or text.',
    inputSchema: ListTasksInput,
    readOnly: true,
    async run(client, args) {
      const page = await client.listTasks(args);
      return { items: page.items.map(summarize), total: page.total, nextCursor: page.nextCursor };
    },
  }),
  defineTool({
    name: 'tracker_get_task',
    title: 'Get a task',
    description: 'One task with every field: state, agent, progress, step, errors, result, usage, dependencies.',
    inputSchema: TaskRef,
    readOnly: true,
    run: (client, args) => client.getTask(args.taskId),
  }),
  defineTool({
    name: 'tracker_create_task',
    title: 'Create a task',
    description:
      'Creates a task. It starts pending, or backlog, or active when state is "active" and agentId names the agent ' +
      'already doing it. parentId makes it a subtask; dependsOn lists tasks that must be done first.',
    inputSchema: CreateTaskBody,
    readOnly: false,
    run: (client, args) => client.createTask(args),
  }),
  defineTool({
    name: 'tracker_report_progress',
    title: 'Report progress',
    description: 'Sets a task\'s progress (0-100), its current step, and counts of items processed or failed.',
    inputSchema: ProgressInput,
    readOnly: false,
    async run(client, args) {
      await client.apply({ op: 'progress', ...args });
      return client.getTask(args.taskId);
    },
  }),
  defineTool({
    name: 'tracker_transition_task',
    title: 'Move a task to another state',
    description:
      'Moves a task along the state machine: pending -> assigned | active; active -> done | failed | paused | review | ' +
      'cancelled; paused -> active; review -> approved | active | failed; failed -> pending (retry). Other moves are ' +
      'refused with invalid_transition and the allowed targets.',
    inputSchema: TransitionInput,
    readOnly: false,
    run: (client, { taskId, ...body }) => client.transition(taskId, body),
  }),
  defineTool({
    name: 'tracker_claim_next',
    title: 'Claim the next task',
    description:
      'Claims the highest-priority pending task this agent can do (not blocked; oldest first among equals) and returns ' +
      'it with its lease token; task is null when nothing is ready.',
    inputSchema: ClaimNextInput,
    readOnly: false,
    async run(client, args) {
      const next = await client.next(args.agentId, { claim: true, leaseMs: args.leaseMs });
      return next ?? { task: null, message: `no task is ready for ${args.agentId}` };
    },
  }),
  defineTool({
    name: 'tracker_log',
    title: 'Log to a task',
    description: 'Appends a line to a task\'s log (level debug, info, warn or error).',
    inputSchema: LogInput,
    readOnly: false,
    async run(client, args) {
      const result = await client.apply({ op: 'log', ...args });
      return { taskId: args.taskId, seq: result.seq };
    },
  }),
  defineTool({
    name: 'tracker_list_agents',
    title: 'List agents',
    description: 'The agents known to the tracker, with their status and when they were last seen.',
    inputSchema: z.strictObject({}),
    readOnly: true,
    async run(client) {
      const agents = await client.listAgents();
      return { items: agents.items.map(summarizeAgent) };
    },
  }),
];
