/**
 * The wire contract as zod schemas; every type the daemon, its clients and the extension exchange is inferred from here.
 * Nothing in this folder may import `express` or `vscode`.
 */
import { z } from 'zod';
import type { EventDataMap } from './eventData.js';
import { INITIAL_STATES, RESET_TARGETS, TASK_STATES } from './states.js';
import {
  MAX_LABEL_CHARS,
  MAX_LEASE_MS,
  MAX_TAGS,
  MAX_TEXT_CHARS,
  MAX_TITLE_CHARS,
  MAX_USAGE_COST_USD,
  MAX_USAGE_COUNT,
  MIN_LEASE_MS,
} from './limits.js';
import { isTmuxSocket, TMUX_PANE_PATTERN } from './tmux.js';

export const IsoTime = z.iso.datetime({ offset: true });
export const Id = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must match [A-Za-z0-9._:-]{1,128}');
export const Title = z.string().trim().min(1).max(MAX_TITLE_CHARS);
export const Text = z.string().max(MAX_TEXT_CHARS);
export const Label = z.string().max(MAX_LABEL_CHARS);
export const JsonObject = z.record(z.string(), z.unknown());
export const TaskStateSchema = z.enum(TASK_STATES);
export const ResetTargetSchema = z.enum(RESET_TARGETS);
export const JobType = z.enum(['manual', 'scheduled', 'api']);
export const Percent = z.int().min(0).max(100);
export const Count = z.int().min(0);
/** What one usage report may add (limits.ts). */
export const UsageCount = z.int().min(0).max(MAX_USAGE_COUNT);
export const UsageCost = z.number().min(0).max(MAX_USAGE_COST_USD);
export const Priority = z.int().min(1).max(10);
export const LeaseMs = z.int().min(MIN_LEASE_MS).max(MAX_LEASE_MS);

export const ErrorInfoSchema = z.object({ at: IsoTime, message: Text, details: z.unknown().optional() });
export const LeaseSchema = z.object({ agentId: Id, token: z.string(), expiresAt: IsoTime });
export const StuckReason = z.enum(['lease_expired', 'agent_offline', 'expired', 'process_exited']);
export const StuckSchema = z.object({ since: IsoTime, reason: StuckReason });
export const DependencySchema = z.object({ taskId: Id, state: z.literal('done') });
export const CheckpointSchema = z.object({ at: IsoTime, data: JsonObject });
/** What an agent waits for from the user while its task is paused: a permission, or an answer to a question. */
export const NeedsInputKind = z.enum(['permission', 'question']);
/** `approvalId`: the approval the user can decide from the tracker (set when the agent's permission hook waits for it). */
export const NeedsInputSchema = z.object({ since: IsoTime, kind: NeedsInputKind, message: Text, approvalId: Id.optional() });
/** Model usage summed over the requests reported for a task (or an agent). */
export const UsageSchema = z.object({
  inputTokens: Count,
  outputTokens: Count,
  cacheReadTokens: Count,
  cacheWriteTokens: Count,
  costUsd: z.number().min(0),
  requests: Count,
  toolCalls: Count,
  /** Requests whose model had no known price when counted: their cost is not in `costUsd`. Absent: none. */
  unpricedRequests: Count.optional(),
  model: Label.optional(),
});
export const MetricsSchema = z.object({
  waitMs: z.number().nullable(),
  workMs: z.number().nullable(),
  cycleMs: z.number().nullable(),
});

export const TaskSchema = z.object({
  id: Id,
  title: Title,
  description: Text,
  type: Label,
  priority: Priority,
  tags: z.array(Label),
  state: TaskStateSchema,
  agentId: Id.nullable(),
  parentId: Id.nullable(),
  requestId: Label.nullable(),
  jobType: JobType,
  triggerSource: Label.nullable(),
  input: JsonObject,
  progress: Percent,
  step: Label,
  itemsProcessed: Count,
  itemsFailed: Count,
  attempts: Count,
  maxAttempts: z.int().min(1).nullable(),
  lastError: ErrorInfoSchema.nullable(),
  errors: z.array(ErrorInfoSchema),
  result: JsonObject.nullable(),
  outputs: JsonObject,
  artifacts: z.array(Text),
  dependsOn: z.array(DependencySchema),
  blocks: z.array(Id),
  checkpoint: CheckpointSchema.nullable(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  assignedAt: IsoTime.nullable(),
  startedAt: IsoTime.nullable(),
  completedAt: IsoTime.nullable(),
  expiresAt: IsoTime.nullable(),
  lease: LeaseSchema.nullable(),
  stuck: StuckSchema.nullable(),
  needsInput: NeedsInputSchema.nullable(),
  usage: UsageSchema.nullable(),
  blocked: z.boolean(),
  metrics: MetricsSchema,
  archived: z.boolean(),
  version: z.int().min(1),
  schemaVersion: z.int().min(1),
});
export type Task = z.infer<typeof TaskSchema>;
export type TaskLease = z.infer<typeof LeaseSchema>;
export type TaskStuck = z.infer<typeof StuckSchema>;
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;
export type TaskMetrics = z.infer<typeof MetricsSchema>;
export type NeedsInput = z.infer<typeof NeedsInputSchema>;
export type Usage = z.infer<typeof UsageSchema>;

const TmuxPane = z.string().regex(TMUX_PANE_PATTERN, 'must be a tmux pane such as %12');
const TmuxSocket = z.string().refine(isTmuxSocket, 'must be the absolute path of a tmux socket');

export const AgentStatus = z.enum(['online', 'busy', 'idle', 'offline']);
/** `kind`: claude-code, codex, gemini-cli, cursor, copilot-cli, vscode-agent, cline, run, or any label. */
export const AgentMetaSchema = z.object({
  kind: Label.optional(),
  pid: z.int().min(1).optional(),
  host: Label.optional(),
  cwd: Text.optional(),
  workspace: Text.optional(),
  sessionId: Label.optional(),
  model: Label.optional(),
  /** Found in the agent's own registry of live sessions, without hooks: it shows no turns or tool calls. */
  seenWithoutHooks: z.boolean().optional(),
  /** The tmux pane the agent runs in ("%12"), and its server's socket: where Send to Agent types a prompt. */
  tmuxPane: TmuxPane.optional(),
  tmuxSocket: TmuxSocket.optional(),
});
export type AgentMeta = z.infer<typeof AgentMetaSchema>;
export const AgentSchema = z.object({
  id: Id,
  name: Label,
  capabilities: z.array(Label),
  status: AgentStatus,
  lastSeenAt: IsoTime,
  meta: AgentMetaSchema,
  registeredAt: IsoTime,
  /** Its tasks' usage plus what was reported for it outside any task. */
  usage: UsageSchema.nullable(),
});
export type Agent = z.infer<typeof AgentSchema>;
export type AgentStatusValue = z.infer<typeof AgentStatus>;

export const Actor = z.string().regex(/^(agent:.+|user|daemon)$/);

export const EVENT_TYPES = [
  'task.created',
  'task.updated',
  'task.transitioned',
  'task.progress',
  'task.log',
  'task.checkpoint',
  'task.usage',
  'task.claimed',
  'task.stuck',
  'task.unstuck',
  'task.reset',
  'task.archived',
  'task.deleted',
  'agent.registered',
  'agent.updated',
  'agent.offline',
  'agent.reset',
  'agent.usage',
  'approval.requested',
  'approval.decided',
  'approval.expired',
  'budget.set',
  'budget.removed',
  'budget.warning',
  'budget.exceeded',
  'budget.blocked',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const EventEnvelopeSchema = z.object({
  seq: z.int().min(1),
  id: z.string(),
  at: IsoTime,
  type: z.enum(EVENT_TYPES),
  taskId: Id.optional(),
  agentId: Id.optional(),
  actor: Actor,
  data: JsonObject,
});
type EventEnvelope = Omit<z.infer<typeof EventEnvelopeSchema>, 'type' | 'data'>;

/** An event: a union over its `type`, each with the `data` that type carries (eventData.ts). */
export type TrackerEvent = { [T in EventType]: EventEnvelope & { type: T; data: EventDataMap[T] } }[EventType];
/** The events of some types. */
export type EventOf<K extends EventType> = Extract<TrackerEvent, { type: K }>;

/**
 * Events read from disk or the network are checked as envelopes: every field, and `data` an object. Their data is
 * what the daemon wrote for that type, so the parsed value is typed as the union rather than checked field by field.
 */
export const EventSchema: z.ZodType<TrackerEvent> = EventEnvelopeSchema as z.ZodType<TrackerEvent>;

// ---- Request bodies -------------------------------------------------------------------------------------------------

const ErrorInput = z.union([Text, z.object({ message: Text, details: z.unknown().optional() })]);
export type ErrorInputValue = z.infer<typeof ErrorInput>;

/** A dependency may be written as a bare task id or as `{ taskId, state: "done" }`. */
const DependencyInput = z.union([Id, z.object({ taskId: Id, state: z.literal('done').default('done') })]);

const taskFields = {
  title: Title,
  description: Text.optional(),
  type: Label.optional(),
  priority: Priority.optional(),
  tags: z.array(Label).max(MAX_TAGS).optional(),
  agentId: Id.nullable().optional(),
  parentId: Id.nullable().optional(),
  requestId: Label.nullable().optional(),
  jobType: JobType.optional(),
  triggerSource: Label.nullable().optional(),
  input: JsonObject.optional(),
  progress: Percent.optional(),
  step: Label.optional(),
  itemsProcessed: Count.optional(),
  itemsFailed: Count.optional(),
  maxAttempts: z.int().min(1).nullable().optional(),
  result: JsonObject.nullable().optional(),
  outputs: JsonObject.optional(),
  artifacts: z.array(Text).optional(),
  dependsOn: z.array(DependencyInput).max(1000).optional(),
  expiresAt: IsoTime.nullable().optional(),
};

export const CreateTaskBody = z
  .strictObject({ id: Id.optional(), state: z.enum(INITIAL_STATES).optional(), ...taskFields })
  .refine((b) => b.state !== 'active' || !!b.agentId, {
    message: 'a task created active needs an agentId',
    path: ['agentId'],
  });
export type CreateTaskInput = z.infer<typeof CreateTaskBody>;

const { title: _title, ...optionalTaskFields } = taskFields;
export const PatchTaskBody = z
  .strictObject({ title: Title.optional(), ...optionalTaskFields, archived: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to update' });
export type PatchTaskInput = z.infer<typeof PatchTaskBody>;

/** Pausing because the agent waits for the user: a permission it asks for, or a question. */
export const NeedsInputRequest = z.strictObject({ kind: NeedsInputKind, message: Text });
export type NeedsInputRequestInput = z.infer<typeof NeedsInputRequest>;

export const TransitionBody = z.strictObject({
  to: TaskStateSchema,
  needsInput: NeedsInputRequest.optional(),
  reason: Text.optional(),
  error: ErrorInput.optional(),
  result: JsonObject.optional(),
  expectVersion: z.int().min(1).optional(),
  agentId: Id.optional(),
});
export type TransitionInput = z.infer<typeof TransitionBody>;

export const ClaimBody = z.strictObject({ agentId: Id, leaseMs: LeaseMs.optional() });
export type ClaimInput = z.infer<typeof ClaimBody>;

export const TaskHeartbeatBody = z.strictObject({
  agentId: Id,
  leaseToken: z.string().min(1).max(200),
  leaseMs: LeaseMs.optional(),
  progress: Percent.optional(),
  step: Label.optional(),
});
export type TaskHeartbeatInput = z.infer<typeof TaskHeartbeatBody>;

export const ResetBody = z.strictObject({ to: ResetTargetSchema, reason: Text.min(1) });
export type ResetInput = z.infer<typeof ResetBody>;

export const StuckResetBody = z.strictObject({ to: ResetTargetSchema, reason: Text.min(1), agentId: Id.optional() });
export type StuckResetInput = z.infer<typeof StuckResetBody>;

export const AgentHeartbeatBody = z.strictObject({
  name: Label.optional(),
  capabilities: z.array(Label).max(100).optional(),
  meta: AgentMetaSchema.optional(),
});
export type AgentHeartbeatInput = z.infer<typeof AgentHeartbeatBody>;

export const NextBody = z.strictObject({ claim: z.boolean().optional(), leaseMs: LeaseMs.optional() });
export type NextInput = z.infer<typeof NextBody>;

export const CleanupBody = z.strictObject({ olderThanDays: z.number().min(0).max(36500) });
export type CleanupInput = z.infer<typeof CleanupBody>;

// ---- Batch and inbox commands ---------------------------------------------------------------------------------------

/** `id` on a command is the command's own id: a command with an id is applied at most once. */
const CommandId = z.string().min(1).max(200).optional();
const LogLevel = z.enum(['debug', 'info', 'warn', 'error']);

/** Named because the MCP tools take their fields as input schemas too. */
export const ProgressCommand = z.strictObject({
  op: z.literal('progress'),
  id: CommandId,
  taskId: Id,
  agentId: Id.optional(),
  progress: Percent.optional(),
  step: Label.optional(),
  itemsProcessed: Count.optional(),
  itemsFailed: Count.optional(),
});

export const LogCommand = z.strictObject({
  op: z.literal('log'),
  id: CommandId,
  taskId: Id,
  agentId: Id.optional(),
  message: Text,
  level: LogLevel.optional(),
});

/** Token counts of one report; `requestId` names the model request, so a request reported twice counts once. */
export const UsageReport = z.strictObject({
  inputTokens: UsageCount.optional(),
  outputTokens: UsageCount.optional(),
  cacheReadTokens: UsageCount.optional(),
  cacheWriteTokens: UsageCount.optional(),
  costUsd: UsageCost.optional(),
  requests: UsageCount.optional(),
  toolCalls: UsageCount.optional(),
  model: Label.optional(),
  requestId: Label.optional(),
});
export type UsageReportInput = z.infer<typeof UsageReport>;

/** Usage lands on a task (and so on its agent), or on an agent outside any task. */
const UsageCommand = z
  .strictObject({ op: z.literal('usage'), id: CommandId, taskId: Id.optional(), agentId: Id.optional(), ...UsageReport.shape })
  .refine((c) => c.taskId !== undefined || c.agentId !== undefined, {
    message: 'usage needs a taskId or an agentId',
    path: ['taskId'],
  });

/** A hook's source: the agent kind whose adapter reads the payload. */
export const HookSource = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be an agent kind such as claude-code');

/** One raw payload of an agent's hook, as the forwarder saw it: `at` is when, `pid` the agent's process. */
const HookCommand = z.strictObject({
  op: z.literal('hook'),
  id: CommandId,
  source: HookSource,
  payload: JsonObject,
  pid: z.int().min(1).optional(),
  at: IsoTime.optional(),
  tmuxPane: TmuxPane.optional(),
  tmuxSocket: TmuxSocket.optional(),
});

export const CommandSchema = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('create'),
    id: CommandId,
    taskId: Id.optional(),
    state: z.enum(INITIAL_STATES).optional(),
    ...taskFields,
  }),
  z.strictObject({ op: z.literal('update'), id: CommandId, taskId: Id, ...optionalTaskFields, title: Title.optional() }),
  z.strictObject({
    op: z.literal('transition'),
    id: CommandId,
    taskId: Id,
    to: TaskStateSchema,
    needsInput: NeedsInputRequest.optional(),
    reason: Text.optional(),
    error: ErrorInput.optional(),
    result: JsonObject.optional(),
    agentId: Id.optional(),
  }),
  ProgressCommand,
  LogCommand,
  z.strictObject({
    op: z.literal('heartbeat'),
    id: CommandId,
    agentId: Id,
    taskId: Id.optional(),
    leaseToken: z.string().min(1).max(200).optional(),
    leaseMs: LeaseMs.optional(),
    name: Label.optional(),
    capabilities: z.array(Label).max(100).optional(),
    meta: AgentMetaSchema.optional(),
  }),
  z.strictObject({
    op: z.literal('checkpoint'),
    id: CommandId,
    taskId: Id,
    agentId: Id.optional(),
    data: JsonObject,
  }),
  UsageCommand,
  HookCommand,
]);
export type Command = z.infer<typeof CommandSchema>;
export type HookCommandInput = z.infer<typeof HookCommand>;
export type UsageCommandInput = z.infer<typeof UsageCommand>;

// ---- Responses ------------------------------------------------------------------------------------------------------

export const ReplayStepSchema = z.object({ event: EventSchema, state: TaskSchema.nullable() });
export const ReplaySchema = z.object({
  steps: z.array(ReplayStepSchema),
  consistent: z.boolean(),
  diff: z.array(z.object({ field: z.string(), stored: z.unknown(), replayed: z.unknown() })).optional(),
});
export type Replay = z.infer<typeof ReplaySchema>;

/** Frames of `/v1/stream`. */
export const StreamFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('event'), event: EventSchema }),
  z.object({ type: z.literal('live'), seq: z.int().min(0) }),
]);
export type StreamFrame = z.infer<typeof StreamFrameSchema>;
