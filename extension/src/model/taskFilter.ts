/** What "Filter Tasks" narrows the Tasks view to. Empty fields do not filter. */
import { z } from 'zod';
import { TaskStateSchema, type Task } from './protocol.js';

export const TaskFilterSchema = z.object({
  states: z.array(TaskStateSchema).optional(),
  agentId: z.string().min(1).optional(),
  tag: z.string().min(1).optional(),
  text: z.string().min(1).optional(),
});
export type TaskFilter = z.infer<typeof TaskFilterSchema>;

export function isFilterEmpty(filter: TaskFilter): boolean {
  return !filter.states?.length && !filter.agentId && !filter.tag && !filter.text;
}

export function matchesFilter(task: Task, filter: TaskFilter): boolean {
  if (filter.states?.length && !filter.states.includes(task.state)) return false;
  if (filter.agentId && task.agentId !== filter.agentId) return false;
  if (filter.tag && !task.tags.includes(filter.tag)) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    const haystack = `${task.id}\n${task.title}\n${task.description}\n${task.step}\n${task.type}`.toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
}

export function describeFilter(filter: TaskFilter): string {
  const parts: string[] = [];
  if (filter.states?.length) parts.push(`state: ${filter.states.join(', ')}`);
  if (filter.agentId) parts.push(`agent: ${filter.agentId}`);
  if (filter.tag) parts.push(`tag: ${filter.tag}`);
  if (filter.text) parts.push(`"${filter.text}"`);
  return parts.join(' · ');
}
