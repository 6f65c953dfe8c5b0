/**
 * Spending budgets: what a budget is on the wire, and the calendar it counts in.
 *
 * Periods are UTC calendar periods (a day from 00:00 UTC, an ISO week from Monday 00:00 UTC, a month from the 1st
 * 00:00 UTC): every daemon of a shared registry and every client agrees on them whatever its own time zone, and they
 * line up with the daily usage the registry already keeps per UTC day.
 */
import { z } from 'zod';
import { Id, IsoTime, Label } from './schemas.js';

export const BUDGET_PERIODS = ['day', 'week', 'month'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];
export const BUDGET_STATES = ['ok', 'warning', 'exceeded'] as const;
export type BudgetState = (typeof BUDGET_STATES)[number];

/** A budget warns once its spend reaches this share of its limit. */
export const BUDGET_WARNING_SHARE = 0.8;
/** The largest limit a budget may set (a billion dollars: anything above is a typo). */
export const MAX_BUDGET_USD = 1e9;
const MAX_FOLDER_CHARS = 4096;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A folder as the daemon compares it with agents' working directories: absolute, no NUL, no lone surrogate. */
const Folder = z
  .string()
  .min(1)
  .max(MAX_FOLDER_CHARS)
  .refine((value) => value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\'), 'must be an absolute path')
  .refine((value) => !value.includes('\u0000') && !LONE_SURROGATE.test(value), 'must be text without NUL or lone surrogates');

/**
 * `POST /v1/budgets`: sets a budget. A budget with the same period and scope (kind and folder) is replaced, so setting
 * it again with a larger `usd` raises it; with `id`, that budget is the one changed (scope included).
 */
export const BudgetBody = z.strictObject({
  id: Id.optional(),
  period: z.enum(BUDGET_PERIODS),
  usd: z.number().gt(0).max(MAX_BUDGET_USD),
  agentKind: Label.min(1).regex(/^[A-Za-z0-9._:-]+$/, 'must match [A-Za-z0-9._:-]+').nullable().optional(),
  folder: Folder.nullable().optional(),
  enforce: z.boolean().optional(),
});
export type BudgetInput = z.infer<typeof BudgetBody>;

/** What a budget is, as set (the `budget.set` event carries it). */
export interface BudgetDefinition {
  id: string;
  period: BudgetPeriod;
  usd: number;
  /** Only agents of this kind (`meta.kind`); null: every agent. */
  agentKind: string | null;
  /** Only agents working in this folder or below it (`meta.cwd`); null: anywhere. */
  folder: string | null;
  /** A matching agent's new prompts are refused while the budget is exceeded. */
  enforce: boolean;
  createdAt: string;
  updatedAt: string;
}

export const BudgetSchema = z.object({
  id: Id,
  period: z.enum(BUDGET_PERIODS),
  usd: z.number(),
  agentKind: z.string().nullable(),
  folder: z.string().nullable(),
  enforce: z.boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  /** The current period: from its start (inclusive) to its end (exclusive). */
  periodStart: IsoTime,
  periodEnd: IsoTime,
  /** Cost of the matching agents' model usage within the current period. */
  spentUsd: z.number().min(0),
  /** The spend at the end of the period if it goes on at the rate so far. */
  forecastUsd: z.number().min(0),
  state: z.enum(BUDGET_STATES),
  /** Requests in the period whose model has no known price: their cost is not in `spentUsd` (a lower bound then). */
  unpricedRequests: z.int().min(0),
});
export type Budget = z.infer<typeof BudgetSchema>;

export const BudgetItemsSchema = z.object({ items: z.array(BudgetSchema) });
export const BudgetRemovedSchema = z.object({ removed: BudgetSchema });

/** Data of the budget events. */
export interface BudgetSetData {
  budget: BudgetDefinition;
}
export interface BudgetRemovedData {
  budgetId: string;
}
/** `budget.warning` / `budget.exceeded`: the budget's spend crossed a line in the period starting at `periodStart`. */
export interface BudgetCrossedData {
  budgetId: string;
  periodStart: string;
  spentUsd: number;
  usd: number;
}
/** `budget.blocked`: an agent's new prompt was refused because an enforced budget is exceeded (no task started). */
export interface BudgetBlockedData {
  budgetId: string;
  reason: string;
  /** The refused prompt's first line, shortened. */
  prompt?: string;
}

// ---- the calendar ---------------------------------------------------------------------------------------------------

const DAY_MS = 24 * 60 * 60 * 1000;

/** Start of the period holding `ms` (epoch ms), in UTC. */
export function periodStartMs(period: BudgetPeriod, ms: number): number {
  const d = new Date(ms);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === 'day') return day;
  if (period === 'week') return day - ((d.getUTCDay() + 6) % 7) * DAY_MS;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** End (exclusive) of the period starting at `startMs`. */
export function periodEndMs(period: BudgetPeriod, startMs: number): number {
  if (period === 'day') return startMs + DAY_MS;
  if (period === 'week') return startMs + 7 * DAY_MS;
  const d = new Date(startMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Whether a limit of `usd` is crossed at `spent`: `warning` from 80 %, `exceeded` from 100 %. */
export function budgetState(spentUsd: number, usd: number): BudgetState {
  if (spentUsd >= usd) return 'exceeded';
  if (spentUsd >= usd * BUDGET_WARNING_SHARE) return 'warning';
  return 'ok';
}

/**
 * Linear forecast to the end of the period. The rate is measured over at least the first hour, so that a request in
 * the period's first minutes does not forecast a fortune.
 */
export function forecastUsd(spentUsd: number, startMs: number, endMs: number, nowMs: number): number {
  const length = endMs - startMs;
  const elapsed = Math.min(length, Math.max(nowMs - startMs, 60 * 60 * 1000));
  return Math.round(((spentUsd * length) / elapsed) * 1e6) / 1e6;
}

/** Whether `cwd` is `folder` or inside it (separators of either kind; no partial names: /a/bc is not in /a/b). */
export function isWithinFolder(cwd: string, folder: string): boolean {
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
  const base = norm(folder);
  const path = norm(cwd);
  return path === base || path.startsWith(base === '' ? '/' : `${base}/`);
}

/** A budget's scope in words: "all agents", "claude-code agents", "agents in /src/app", ... */
export function budgetScope(budget: Pick<BudgetDefinition, 'agentKind' | 'folder'>): string {
  const who = budget.agentKind ? `${budget.agentKind} agents` : 'all agents';
  return budget.folder ? `${who} in ${budget.folder}` : who;
}
