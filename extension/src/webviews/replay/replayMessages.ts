/**
 * The messages between the replay panel and its webview, both ways: Inbound is what the page posts (schema-checked),
 * Outbound what the panel sends it. The page's script (extension/webview/replay.ts) is type-checked against them.
 */
import { z } from 'zod';
import type { EventData, FieldDiff, Task } from '../../model/protocol.js';

export const ReplayInboundSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('selected'), index: z.int().min(0) }),
  z.object({ type: z.literal('reload') }),
]);
export type ReplayInbound = z.infer<typeof ReplayInboundSchema>;

export interface ReplayStepView {
  seq: number;
  at: string;
  type: string;
  actor: string;
  data: EventData;
  state: Task | null;
  /** Fields of `state` that this event changed (highlighted). */
  changed: string[];
  /** What the event changed, in plain words: what the panel shows first (the JSON is one click away). */
  changes: string[];
}

export interface ReplayView {
  taskId: string;
  title: string;
  /** The daemon's verdict on the replay law for this task; null when it could not be asked. */
  consistent: boolean | null;
  diff: FieldDiff[];
  steps: ReplayStepView[];
}

export type ReplayOutbound =
  | { type: 'load'; view: ReplayView; index: number }
  | { type: 'select'; index: number }
  | { type: 'step'; delta: number }
  | { type: 'error'; message: string };
