/** Query-string schemas: every value arrives as a string (or repeated), so each is coerced and bounded here. */
import { z } from 'zod';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './limits.js';
import { Id, IsoTime, TaskStateSchema, type Task } from './schemas.js';
import type { TaskState } from './states.js';

/** A repeated parameter (or header) counts once, by its last value. */
export function lastIfRepeated(value: unknown): unknown {
  return Array.isArray(value) ? (value as unknown[]).at(-1) : value;
}

export const single = <S extends z.ZodType>(schema: S) => z.preprocess(lastIfRepeated, schema);
const limit = single(z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(DEFAULT_LIST_LIMIT));
const states = single(
  z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(TaskStateSchema)),
).optional();
const text = single(z.string().max(500)).optional();
const seq = single(z.coerce.number().int().min(0).default(0));

/**
 * Which tasks `GET /v1/tasks` lists, and which page: what a client asks for, what the route's schema parses into, what
 * the engine filters by, and what the extension's Tasks view is filtered by. Every field left out narrows nothing.
 */
export interface TaskQuery {
  state?: readonly TaskState[];
  agentId?: string;
  tag?: string;
  parentId?: string;
  requestId?: string;
  stuck?: boolean;
  /** Text to find in the id, title, description, step or type (any case). */
  q?: string;
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** Whether the task is one the query asks for (its page aside): the daemon's list and the extension's filter alike. */
export function matchesTaskQuery(task: Task, query: TaskQuery): boolean {
  if (query.state?.length && !query.state.includes(task.state)) return false;
  if (query.agentId !== undefined && task.agentId !== query.agentId) return false;
  if (query.tag !== undefined && !task.tags.includes(query.tag)) return false;
  if (query.parentId !== undefined && task.parentId !== query.parentId) return false;
  if (query.requestId !== undefined && task.requestId !== query.requestId) return false;
  if (query.stuck !== undefined && (task.stuck !== null) !== query.stuck) return false;
  if (query.q) {
    const needle = query.q.toLowerCase();
    const haystack = `${task.id}\n${task.title}\n${task.description}\n${task.step}\n${task.type ?? ''}`.toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
}

export const TaskListQuerySchema = z.object({
  state: states,
  agentId: text,
  tag: text,
  parentId: text,
  requestId: text,
  stuck: single(z.enum(['true', 'false']).transform((v) => v === 'true')).optional(),
  q: text,
  limit,
  cursor: single(z.string().max(200)).optional(),
});

/** Which finished tasks `GET /v1/history` returns (newest completion first), and which page: one type for all three sides, as TaskQuery. */
export interface HistoryQuery {
  limit?: number;
  offset?: number;
  state?: readonly TaskState[];
  agentId?: string;
  jobType?: string;
  /** Only tasks completed at or after this instant. */
  since?: string;
}

export const HistoryQuerySchema = z.object({
  limit,
  offset: single(z.coerce.number().int().min(0).default(0)),
  state: states,
  agentId: text,
  jobType: text,
  since: single(IsoTime).optional(),
});

export const FeedQuerySchema = z.object({ after: seq, limit });

export const IdParam = z.object({ id: Id });

export const StreamQuerySchema = z.object({ after: seq });

/** A webhook's delivery log. */
export const WebhookDeliveriesQuerySchema = z.object({ limit });
