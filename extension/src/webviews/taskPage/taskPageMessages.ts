/** The messages between a task page and its webview, both ways; inbound ones are schema-checked. */
import { z } from 'zod';
import type { TaskPageView } from '../../model/taskPageView.js';

export const TaskPageInboundSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('action'), action: z.enum(['allow', 'deny', 'focusTerminal', 'retry', 'cancel', 'reset', 'replay']) }),
  z.object({ type: z.literal('open'), taskId: z.string().min(1).max(128) }),
]);
export type TaskPageInbound = z.infer<typeof TaskPageInboundSchema>;

export type TaskPageOutbound = { type: 'render'; view: TaskPageView } | { type: 'missing'; taskId: string };
