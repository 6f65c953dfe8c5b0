/**
 * The daemon's response bodies as zod schemas, built from the protocol's entity schemas. The client's types are
 * inferred from them and the OpenAPI document is generated from them, so the two cannot drift apart.
 */
import { z } from 'zod';
import { AgentSchema, ERROR_STATUS, EventSchema, TaskSchema, TaskStateSchema, type ErrorCode } from '../protocol/index.js';

/** `ok` is false while the store cannot take writes (`store.message` says why). */
export const HealthSchema = z.object({
  ok: z.boolean(),
  version: z.string(),
  seq: z.int().min(0),
  store: z.object({ kind: z.string(), ok: z.boolean(), message: z.string().optional() }),
});
export const TaskPageSchema = z.object({ items: z.array(TaskSchema), nextCursor: z.string().nullable(), total: z.int().min(0) });
export const TaskItemsSchema = z.object({ items: z.array(TaskSchema) });
export const AgentItemsSchema = z.object({ items: z.array(AgentSchema) });
export const EventItemsSchema = z.object({ items: z.array(EventSchema) });
export const HistoryPageSchema = z.object({ items: z.array(TaskSchema), total: z.int().min(0) });
export const ClaimResultSchema = z.object({ task: TaskSchema, leaseToken: z.string() });
export const TaskHeartbeatResultSchema = z.object({ leaseExpiresAt: z.iso.datetime({ offset: true }), state: TaskStateSchema });
export const NextResultSchema = z.object({ task: TaskSchema, leaseToken: z.string().optional() });
export const AgentResetResultSchema = z.object({ agent: AgentSchema, tasks: z.array(TaskSchema) });
export const StuckResetResultSchema = z.object({ tasks: z.array(TaskSchema) });
export const CleanupResultSchema = z.object({ removed: z.int().min(0) });
export const HookAcceptedSchema = z.object({ applied: z.int().min(0) });

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
