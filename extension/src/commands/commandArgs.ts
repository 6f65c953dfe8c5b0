/**
 * Reading command arguments: a tree node, a bare id (palette, notifications, tests), or nothing (then the user picks).
 * Options objects are schema-checked, since a tree menu passes its own second argument.
 */
import { z } from 'zod';
import { ResetTargetSchema } from '../model/protocol.js';

const TaskRef = z.union([z.string().min(1), z.object({ taskId: z.string().min(1) })]);
const AgentRef = z.union([z.string().min(1), z.object({ agentId: z.string().min(1) })]);

export function taskIdOf(arg: unknown): string | undefined {
  const parsed = TaskRef.safeParse(arg);
  if (!parsed.success) return undefined;
  return typeof parsed.data === 'string' ? parsed.data : parsed.data.taskId;
}

export function agentIdOf(arg: unknown): string | undefined {
  const parsed = AgentRef.safeParse(arg);
  if (!parsed.success) return undefined;
  return typeof parsed.data === 'string' ? parsed.data : parsed.data.agentId;
}

/** Answers a command may be given instead of asking: the target state, the reason, and a confirmation already given. */
export const ActionOptionsSchema = z.object({
  to: ResetTargetSchema.optional(),
  reason: z.string().min(1).optional(),
  confirmed: z.boolean().optional(),
  agentId: z.string().min(1).optional(),
  olderThanDays: z.number().min(0).optional(),
});
export type ActionOptions = z.infer<typeof ActionOptionsSchema>;

export function optionsOf(arg: unknown): ActionOptions {
  const parsed = ActionOptionsSchema.safeParse(arg);
  return parsed.success ? parsed.data : {};
}
