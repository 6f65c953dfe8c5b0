/** Show Timeline: a lane per agent, a bar per task over the last hours; a click (or Enter) on a bar opens its page. */
import { timelineView, type TimelineView } from '../model/timelineView.js';
import { LivePanel } from '../webviews/livePanel.js';
import type { CommandContext } from './commandContext.js';

export const TIMELINE_VIEW_TYPE = 'agentTracker.timeline';

export function showTimeline(ctx: CommandContext): LivePanel<TimelineView> {
  return LivePanel.createOrShow(ctx.extensionUri, ctx.model, ctx.logger, {
    viewType: TIMELINE_VIEW_TYPE,
    title: 'Agent Timeline',
    script: 'timeline.js',
    style: 'charts.css',
    body: '<main id="page"><h1>Agent Timeline</h1><p>Loading…</p></main>',
    compute: () => timelineView(ctx.model.tasks(), ctx.model.agents(), Date.now()),
  });
}
