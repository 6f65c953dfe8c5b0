/**
 * The messages between a live panel (the Timeline, the Dashboard) and its webview, both ways: Inbound is what the page
 * posts (schema-checked), Outbound what the panel sends it. The pages' scripts (extension/webview/timeline.ts,
 * dashboard.ts) are type-checked against each panel's pair below.
 */
import { z } from 'zod';
import type { DashboardView } from '../model/dashboardView.js';
import type { TimelineView, TimelineZoom } from '../model/timelineView.js';

export const LivePanelInboundSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('open'), taskId: z.string().min(1).max(128) }),
  // Any short string passes the schema; the panel keeps only the choices its spec names.
  z.object({ type: z.literal('choose'), value: z.string().max(32) }),
]);

/** `Choice`: what the page may choose from (never: nothing to choose). */
export type LivePanelInbound<Choice extends string = string> =
  | Exclude<z.infer<typeof LivePanelInboundSchema>, { type: 'choose' }>
  | { type: 'choose'; value: Choice };
export type LivePanelOutbound<View> = { type: 'render'; view: View };

export type TimelineInbound = LivePanelInbound<TimelineZoom>;
export type TimelineOutbound = LivePanelOutbound<TimelineView>;
export type DashboardInbound = LivePanelInbound<never>;
export type DashboardOutbound = LivePanelOutbound<DashboardView>;
