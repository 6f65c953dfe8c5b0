/**
 * The daemon's response bodies as zod schemas, built from the entity schemas. The route table names them for each
 * status, the OpenAPI document is generated from them and the client checks every answer against them, so the three
 * cannot drift apart.
 */
import { z } from 'zod';
import { BudgetItemsSchema, BudgetRemovedSchema, BudgetSchema } from './budgets.js';
import { ERROR_STATUS, type ErrorCode } from './errors.js';
import { ApprovalItemsSchema, ApprovalSchema } from './approvals.js';
import { LoginCodeSchema } from './login.js';
import { DeliveryItemsSchema, DeliverySchema, WebhookItemsSchema, WebhookRemovedSchema, WebhookSchema } from './webhooks.js';
import { AgentSchema, EventSchema, IsoTime, ReplaySchema, StreamFrameSchema, TaskSchema, TaskStateSchema } from './schemas.js';

/** `ok` is false while the store cannot take writes (`store.message` says why). */
export const HealthSchema = z.object({
  ok: z.boolean(),
  version: z.string(),
  seq: z.int().min(0),
  store: z.object({ kind: z.string(), ok: z.boolean(), message: z.string().optional() }),
  /** Team mode: how far this daemon's clock is ahead of the database's (which leases and stuck detection use). */
  clockSkewMs: z.number().optional(),
});
export const TaskPageSchema = z.object({ items: z.array(TaskSchema), nextCursor: z.string().nullable(), total: z.int().min(0) });
export const TaskItemsSchema = z.object({ items: z.array(TaskSchema) });
export const AgentItemsSchema = z.object({ items: z.array(AgentSchema) });
export const EventItemsSchema = z.object({ items: z.array(EventSchema) });
export const HistoryPageSchema = z.object({ items: z.array(TaskSchema), total: z.int().min(0) });
export const ClaimResultSchema = z.object({ task: TaskSchema, leaseToken: z.string() });
export const TaskHeartbeatResultSchema = z.object({ leaseExpiresAt: IsoTime, state: TaskStateSchema });
export const NextResultSchema = z.object({ task: TaskSchema, leaseToken: z.string().optional() });
export const AgentResetResultSchema = z.object({ agent: AgentSchema, tasks: z.array(TaskSchema) });
export const StuckResetResultSchema = z.object({ tasks: z.array(TaskSchema) });
/** `kept`: finished tasks old enough but kept because a remaining task depends on them or is their child. */
export const CleanupResultSchema = z.object({ removed: z.int().min(0), kept: z.int().min(0) });
/**
 * How many tracker changes a hook payload made; `output`, when present, is what the hook prints for its agent to read
 * (a decision the user took on an approval, in that agent's own format).
 */
export const HookAcceptedSchema = z.object({ applied: z.int().min(0), output: z.record(z.string(), z.unknown()).optional() });

const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];
export const ErrorBodySchema = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
});

/** One result per batch command, in order: what it produced, or the error that refused it. */
export const BatchResultSchema = z.looseObject({
  ok: z.boolean().optional(),
  error: ErrorBodySchema.shape.error.optional(),
});
export const BatchResponseSchema = z.object({ results: z.array(BatchResultSchema) });

/** Counts by state and agent, mean wait/work/cycle times and the success rate; open to fields the daemon adds. */
export const StatsSchema = z.looseObject({});

/** The OpenAPI document itself, as far as a client needs to know. */
export const OpenApiDocumentSchema = z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) });

/** Every response schema under its component name in the OpenAPI document. */
export const RESPONSE_SCHEMAS = {
  Task: TaskSchema,
  Agent: AgentSchema,
  Event: EventSchema,
  Replay: ReplaySchema,
  StreamFrame: StreamFrameSchema,
  Error: ErrorBodySchema,
  Health: HealthSchema,
  TaskPage: TaskPageSchema,
  TaskItems: TaskItemsSchema,
  AgentItems: AgentItemsSchema,
  EventItems: EventItemsSchema,
  HistoryPage: HistoryPageSchema,
  ClaimResult: ClaimResultSchema,
  TaskHeartbeatResult: TaskHeartbeatResultSchema,
  NextResult: NextResultSchema,
  AgentResetResult: AgentResetResultSchema,
  StuckResetResult: StuckResetResultSchema,
  CleanupResult: CleanupResultSchema,
  HookAccepted: HookAcceptedSchema,
  Approval: ApprovalSchema,
  ApprovalItems: ApprovalItemsSchema,
  BatchResponse: BatchResponseSchema,
  Stats: StatsSchema,
  OpenApiDocument: OpenApiDocumentSchema,
  Webhook: WebhookSchema,
  WebhookItems: WebhookItemsSchema,
  WebhookRemoved: WebhookRemovedSchema,
  Delivery: DeliverySchema,
  DeliveryItems: DeliveryItemsSchema,
  LoginCode: LoginCodeSchema,
  Budget: BudgetSchema,
  BudgetItems: BudgetItemsSchema,
  BudgetRemoved: BudgetRemovedSchema,
} as const;
export type ResponseName = keyof typeof RESPONSE_SCHEMAS;

export type Health = z.infer<typeof HealthSchema>;
export type TaskPage = z.infer<typeof TaskPageSchema>;
export type HistoryPage = z.infer<typeof HistoryPageSchema>;
export type ClaimResult = z.infer<typeof ClaimResultSchema>;
export type TaskHeartbeatResult = z.infer<typeof TaskHeartbeatResultSchema>;
export type NextResult = z.infer<typeof NextResultSchema>;
export type AgentResetResult = z.infer<typeof AgentResetResultSchema>;
export type StuckResetResult = z.infer<typeof StuckResetResultSchema>;
export type CleanupResult = z.infer<typeof CleanupResultSchema>;
export type BatchResult = z.infer<typeof BatchResultSchema>;
export type BatchResponse = z.infer<typeof BatchResponseSchema>;
export type Stats = z.infer<typeof StatsSchema>;
