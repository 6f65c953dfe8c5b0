/**
 * What "Filter Tasks" narrows the Tasks view to: the protocol's task query (what `GET /v1/tasks` filters by), its
 * fields a person picks. Empty fields do not filter.
 */
import { z } from 'zod';
import { TaskStateSchema, type TaskQuery } from './protocol.js';

export type TaskFilter = Pick<TaskQuery, 'state' | 'agentId' | 'tag' | 'q'>;

/** A filter given to the command (`agentTracker.filterTasks`), as the route's query names its fields. */
export const TaskFilterSchema = z.object({
  state: z.array(TaskStateSchema).optional(),
  agentId: z.string().min(1).optional(),
  tag: z.string().min(1).optional(),
  q: z.string().min(1).optional(),
}) satisfies z.ZodType<TaskFilter>;

export function isFilterEmpty(filter: TaskFilter): boolean {
  return !filter.state?.length && !filter.agentId && !filter.tag && !filter.q;
}

export function describeFilter(filter: TaskFilter): string {
  const parts: string[] = [];
  if (filter.state?.length) parts.push(`state: ${filter.state.join(', ')}`);
  if (filter.agentId) parts.push(`agent: ${filter.agentId}`);
  if (filter.tag) parts.push(`tag: ${filter.tag}`);
  if (filter.q) parts.push(`"${filter.q}"`);
  return parts.join(' · ');
}
