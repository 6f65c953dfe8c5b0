/**
 * Spending budgets: set, list and remove them; record when one crosses its warning line or its limit (once per period
 * and line); and say which enforced budget, if any, refuses a new prompt of an agent. The spend itself is kept by the
 * registry (store/budgetBook.ts) as usage events are folded in, so nothing here scans usage.
 */
import {
  TrackerError,
  budgetScope,
  budgetState,
  forecastUsd,
  periodEndMs,
  periodStartMs,
  type Agent,
  type Budget,
  type BudgetDefinition,
  type BudgetInput,
} from '../protocol/index.js';
import type { Clock } from '../common/clock.js';
import { newBudgetId } from '../common/ids.js';
import { budgetCovers, type BudgetEntry } from '../store/budgetBook.js';
import type { EventDraft, Store } from '../store/store.js';
import type { Outcome, RequestContext } from './context.js';

/** How the tracker commits a command (idempotency included); the budgets commit through it. */
export type CommitCommand = <T>(ctx: RequestContext, drafts: EventDraft[], status: number, present: () => T) => Outcome<T>;

/** What a refused prompt is refused by. */
export interface PromptRefusal {
  budget: Budget;
  /** Names the budget, its spend and when it resets: what the agent shows its user. */
  reason: string;
}

/** Budgets one registry holds at most: each usage event is checked against every one of them. */
export const MAX_BUDGETS = 100;

export class Budgets {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly commit: CommitCommand,
  ) {}

  list(): Budget[] {
    const now = this.clock.now();
    return [...this.store.state.budgets.values()].map((entry) => present(entry, now)).sort(byCreation);
  }

  get(id: string): Budget {
    const entry = this.store.state.budgets.get(id);
    if (!entry) throw new TrackerError('not_found', `no budget ${id}`);
    return present(entry, this.clock.now());
  }

  /** Sets a budget: the one named by `id`, else the one of the same period and scope, else a new one (201). */
  set(body: BudgetInput, ctx: RequestContext): Outcome<Budget> {
    const book = this.store.state.budgets;
    const scope = { period: body.period, agentKind: body.agentKind ?? null, folder: body.folder ?? null };
    const existing =
      body.id !== undefined
        ? book.get(body.id)
        : [...book.values()].find(
            ({ definition: d }) => d.period === scope.period && d.agentKind === scope.agentKind && d.folder === scope.folder,
          );
    if (!existing && book.size >= MAX_BUDGETS) {
      throw new TrackerError('conflict', `a registry holds at most ${MAX_BUDGETS} budgets; remove one first`, { max: MAX_BUDGETS });
    }
    const now = this.store.now();
    const definition: BudgetDefinition = {
      id: existing?.definition.id ?? body.id ?? newBudgetId(),
      ...scope,
      usd: body.usd,
      enforce: body.enforce ?? false,
      createdAt: existing?.definition.createdAt ?? now,
      updatedAt: now,
    };
    const before = existing?.definition;
    if (before && JSON.stringify({ ...before, updatedAt: '' }) === JSON.stringify({ ...definition, updatedAt: '' })) {
      return { status: 200, body: this.get(definition.id), durable: Promise.resolve() };
    }
    const drafts: EventDraft[] = [{ type: 'budget.set', actor: ctx.actor, data: { budget: definition } }];
    const set = this.commit(ctx, drafts, existing ? 200 : 201, () => this.get(definition.id));
    // A limit set below what the period already cost is crossed at once.
    const crossed = this.crossings([definition.id]);
    if (crossed.length === 0) return set;
    const { durable } = this.store.commit(crossed);
    return { ...set, body: this.get(definition.id), durable: Promise.all([set.durable, durable]).then(() => {}) };
  }

  remove(id: string, ctx: RequestContext): Outcome<{ removed: Budget }> {
    const removed = this.get(id);
    const drafts: EventDraft[] = [{ type: 'budget.removed', actor: ctx.actor, data: { budgetId: id } }];
    return this.commit(ctx, drafts, 200, () => ({ removed }));
  }

  /** The budgets that cover this agent (every budget when no agent is named). */
  covering(agent: Pick<Agent, 'meta'> | undefined): BudgetEntry[] {
    return [...this.store.state.budgets.values()].filter((entry) => budgetCovers(entry.definition, agent));
  }

  /**
   * `budget.warning` / `budget.exceeded` for the named budgets that crossed a line this period and have not said so
   * yet. Called after usage is recorded, and after a budget is set.
   */
  crossings(ids: Iterable<string>, agentId?: string): EventDraft[] {
    const now = this.clock.now();
    const drafts: EventDraft[] = [];
    for (const id of ids) {
      const entry = this.store.state.budgets.get(id);
      if (!entry) continue;
      const budget = present(entry, now);
      if (budget.state === 'ok') continue;
      const periodStart = periodStartMs(budget.period, now);
      const data = { budgetId: id, periodStart: budget.periodStart, spentUsd: budget.spentUsd, usd: budget.usd };
      const at = agentId === undefined ? {} : { agentId };
      if (entry.warnedFor !== periodStart) drafts.push({ type: 'budget.warning', ...at, actor: 'daemon', data });
      if (budget.state === 'exceeded' && entry.exceededFor !== periodStart) {
        drafts.push({ type: 'budget.exceeded', ...at, actor: 'daemon', data });
      }
    }
    return drafts;
  }

  /** Records the lines crossed by usage of this agent, if any; the promise resolves once they are durable. */
  afterUsage(agentId: string | undefined): Promise<void> {
    if (this.store.state.budgets.size === 0) return Promise.resolve();
    const agent = agentId === undefined ? undefined : this.store.state.agents.get(agentId);
    const drafts = this.crossings(
      this.covering(agent).map((entry) => entry.definition.id),
      agentId,
    );
    return drafts.length === 0 ? Promise.resolve() : this.store.commit(drafts).durable;
  }

  /** The enforced, exceeded budget that refuses a new prompt of an agent of this kind working in `cwd`, if any. */
  refusal(agent: Pick<Agent, 'meta'>): PromptRefusal | undefined {
    const now = this.clock.now();
    for (const entry of this.covering(agent)) {
      if (!entry.definition.enforce) continue;
      const budget = present(entry, now);
      if (budget.state !== 'exceeded') continue;
      return { budget, reason: refusalReason(budget) };
    }
    return undefined;
  }

  /** Records a refused prompt on its agent (no task is started for it). */
  recordRefusal(agentId: string, refusal: PromptRefusal, prompt: string | undefined): Promise<void> {
    const data = { budgetId: refusal.budget.id, reason: refusal.reason, ...(prompt ? { prompt } : {}) };
    return this.store.commit([{ type: 'budget.blocked', agentId, actor: 'daemon', data }]).durable;
  }
}

/** A budget as the API shows it, as of `now` (ms): its current period, spend, forecast and state. */
export function present(entry: BudgetEntry, now: number): Budget {
  const { definition, spend } = entry;
  const start = periodStartMs(definition.period, now);
  const end = periodEndMs(definition.period, start);
  const current = spend.periodStart === start;
  const spentUsd = current ? spend.usd : 0;
  return {
    ...definition,
    periodStart: new Date(start).toISOString(),
    periodEnd: new Date(end).toISOString(),
    spentUsd,
    forecastUsd: forecastUsd(spentUsd, start, end, now),
    state: budgetState(spentUsd, definition.usd),
    unpricedRequests: current ? spend.unpricedRequests : 0,
  };
}

const dollars = (usd: number): string => `$${usd.toFixed(2)}`;

/** "Agent Tracker budget budget_01… (day, claude-code agents): $5.12 spent of $5.00; new prompts are refused until ..." */
export function refusalReason(budget: Budget): string {
  return (
    `Agent Tracker budget ${budget.id} (${budget.period}, ${budgetScope(budget)}) is exceeded: ` +
    `${dollars(budget.spentUsd)} spent of ${dollars(budget.usd)}. New prompts are refused until ${budget.periodEnd} ` +
    `or until the budget is raised (agent-tracker budget set).`
  );
}

function byCreation(a: Budget, b: Budget): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
