/** Schemas of the daemon's responses: every body is checked before the extension believes it. */
import { z } from 'zod';
import { AgentSchema, EventSchema, TaskSchema } from '../model/protocol.js';

export const HealthSchema = z.object({ ok: z.boolean(), version: z.string(), seq: z.int().min(0) });
export type Health = z.infer<typeof HealthSchema>;

export const TaskPageSchema = z.object({
  items: z.array(TaskSchema),
  nextCursor: z.string().nullable().optional(),
  total: z.int().min(0).optional(),
});
export const AgentListSchema = z.object({ items: z.array(AgentSchema) });
export const HistoryPageSchema = z.object({ items: z.array(TaskSchema), total: z.int().min(0) });
export const EventListSchema = z.object({ items: z.array(EventSchema) });
export const TaskListResultSchema = z.object({ tasks: z.array(TaskSchema) });
export const AgentResetResultSchema = z.object({ agent: AgentSchema, tasks: z.array(TaskSchema) });
export const CleanupResultSchema = z.object({ removed: z.int().min(0) });

export const ErrorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** `daemon.json`, as written by the daemon once it listens. */
export const DaemonInfoSchema = z.object({
  pid: z.int(),
  port: z.int(),
  url: z.string().url(),
  version: z.string(),
  startedAt: z.string(),
});
