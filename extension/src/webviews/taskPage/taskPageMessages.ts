/**
 * The messages between a task page and its webview, both ways: Inbound is what the page posts (schema-checked),
 * Outbound what the panel sends it. The page's script (extension/webview/taskPage.ts) is type-checked against them.
 */
import { z } from 'zod';
import type { TaskPageView } from '../../model/taskPageView.js';

export const TaskPageInboundSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('action'), action: z.enum(['allow', 'deny', 'focusTerminal', 'retry', 'cancel', 'reset', 'replay']) }),
  z.object({ type: z.literal('open'), taskId: z.string().min(1).max(128) }),
  z.object({ type: z.literal('pin') }),
  // A file is named by its place in the page's list, never by a path: the page can open only what it lists.
  z.object({ type: z.literal('openFile'), index: z.int().min(0), changes: z.boolean() }),
  z.object({ type: z.literal('openTranscript') }),
]);
export type TaskPageInbound = z.infer<typeof TaskPageInboundSchema>;

/** `preview`: the page is the preview, which the next task opened replaces (it offers Keep Open). */
export type TaskPageOutbound = { type: 'render'; view: TaskPageView; preview: boolean } | { type: 'missing'; taskId: string };
