/**
 * Show Timeline: a lane per agent, a bar per task, fitted to the last day's work or in the window the page chose; a
 * click (or Enter) on a bar opens its page.
 */
import { TIMELINE_ZOOMS, timelineView, type TimelineView, type TimelineZoom } from '../model/timelineView.js';
import { LivePanel } from '../webviews/livePanel.js';
import type { CommandContext } from './commandContext.js';

export const TIMELINE_VIEW_TYPE = 'agentTracker.timeline';

export function showTimeline(ctx: CommandContext): LivePanel<TimelineView, TimelineZoom> {
  return LivePanel.createOrShow(ctx.extensionUri, ctx.model, ctx.logger, {
    viewType: TIMELINE_VIEW_TYPE,
    title: 'Agent Timeline',
    script: 'timeline.js',
    style: 'charts.css',
    body: '<main id="page"><h1>Agent Timeline</h1><p>Loading…</p></main>',
    compute: (zoom) => timelineView(ctx.model.tasks(), ctx.model.agents(), Date.now(), zoom ?? 'fit'),
    choices: TIMELINE_ZOOMS,
  });
}
