/** Usage arithmetic shared by the reducer (tasks and agents) and by whoever reports usage. */
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
  for (const key of USAGE_COUNTS) sum[key] += delta[key];
  sum.costUsd = Math.round(sum.costUsd * 1e6) / 1e6;
  if (model !== undefined) sum.model = model;
  return sum;
}
