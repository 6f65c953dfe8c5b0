/**
 * A model request's usage as one source saw it, counted under the key the request matcher gives it, so that the hooks'
 * transcripts and OTLP records of the same request count once (integrations/usage/requestMatcher.ts). When the
 * request was counted first by a source that knew no cost, this one's cost is added once on its own, where the
 * request's tokens went (the turn's task may have ended since).
 */
import type { UsageReportInput } from '../protocol/index.js';
import type { Outcome, RequestContext } from '../engine/context.js';
import type { Tracker, UsageOutcome, UsageTarget } from '../engine/tracker.js';
import type { RequestMatcher, RequestSighting, UsageSource } from '../integrations/usage/requestMatcher.js';

export function recordRequestUsage(
  tracker: Tracker,
  requests: RequestMatcher,
  target: UsageTarget & { agentId: string },
  source: UsageSource,
  report: Omit<UsageReportInput, 'requestId'>,
  sighting: RequestSighting,
  ctx: RequestContext,
): Outcome<UsageOutcome> {
  const { key, costKey } = requests.keysOf(target.agentId, source, sighting);
  const counted = tracker.recordUsage(target, { ...report, requestId: key }, ctx);
  if (costKey === undefined || !report.costUsd) return counted;
  const first = tracker.usageCounted(key);
  const where = first ? { ...(first.taskId ? { taskId: first.taskId } : {}), agentId: first.agentId ?? target.agentId } : target;
  const cost = tracker.recordUsage(where, { costUsd: report.costUsd, requests: 0, requestId: costKey }, ctx, { costOfUnpriced: true });
  return { ...counted, durable: Promise.all([counted.durable, cost.durable]).then(() => {}) };
}
