/** Usage arithmetic shared by the reducer (tasks and agents) and by whoever reports usage. */
import { TrackerError } from './errors.js';
import { MAX_USAGE_COST_USD, MAX_USAGE_COUNT, MAX_USAGE_SUM } from './limits.js';
import type { Usage } from './schemas.js';

/** The counts one report adds: every field of a usage except the model. */
export type UsageDelta = Omit<Usage, 'model'>;

export const USAGE_COUNTS = [
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'costUsd',
  'requests',
  'toolCalls',
] as const satisfies readonly (keyof UsageDelta)[];

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, requests: 0, toolCalls: 0 };
}

/** A delta with every count present (missing ones are 0). */
export function usageDelta(report: Partial<UsageDelta>): UsageDelta {
  const delta = emptyUsage();
  for (const key of USAGE_COUNTS) delta[key] = report[key] ?? 0;
  return delta;
}

/**
 * `usage` plus `delta`; the model is the latest one named. Cost is kept to a micro-dollar, so that sums of many small
 * costs do not show floating-point noise.
 */
export function addUsage(usage: Usage | null | undefined, delta: UsageDelta, model?: string): Usage {
  const sum = { ...(usage ?? emptyUsage()) };
  for (const key of USAGE_COUNTS) sum[key] = saturatingSum(sum[key], delta[key]);
  sum.costUsd = Math.round(sum.costUsd * 1e6) / 1e6;
  // Counted apart from USAGE_COUNTS: usage recorded before it existed has no such field, and keeps none while it is 0.
  // A negative delta is a cost that arrived later for a request counted without one (see Tracker.recordUsage).
  if (delta.unpricedRequests) {
    const unpriced = Math.max(0, (sum.unpricedRequests ?? 0) + delta.unpricedRequests);
    if (unpriced > 0) sum.unpricedRequests = unpriced;
    else delete sum.unpricedRequests;
  }
  if (model !== undefined) sum.model = model;
  return sum;
}

/**
 * Sums saturate at MAX_USAGE_SUM and never go below 0: a report is bounded where it comes in, and this keeps a total
 * finite even when a log written before those bounds holds absurd counts (JSON has no Infinity to keep).
 */
function saturatingSum(a: number, b: number): number {
  const sum = (Number.isFinite(a) ? a : MAX_USAGE_SUM) + (Number.isFinite(b) ? b : 0);
  return Math.min(MAX_USAGE_SUM, Math.max(0, sum));
}

/**
 * Throws 400 `validation_failed` naming each count of `report` that is negative, not finite, not whole (tokens,
 * requests, tool calls) or beyond its bound (limits.ts). The engine asks it of every report, whichever way it came.
 */
export function checkUsageCounts(report: Partial<UsageDelta>): void {
  const details: { path: string; message: string }[] = [];
  for (const key of USAGE_COUNTS) {
    const value = report[key];
    if (value === undefined) continue;
    const max = key === 'costUsd' ? MAX_USAGE_COST_USD : MAX_USAGE_COUNT;
    const whole = key === 'costUsd' || Number.isInteger(value);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max || !whole) {
      details.push({ path: key, message: `must be ${key === 'costUsd' ? 'a number' : 'a whole number'} from 0 to ${max}` });
    }
  }
  if (details.length === 0) return;
  throw new TrackerError('validation_failed', `invalid usage: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details);
}
