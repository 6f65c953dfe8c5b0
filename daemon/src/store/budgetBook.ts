/**
 * Budgets as the registry holds them: each budget's definition (from `budget.set` / `budget.removed`), which lines it
 * has crossed this period (`budget.warning` / `budget.exceeded`), and its spend in its current period, kept up to date
 * event by event as `agent.usage` events are folded in. Reading a budget's spend never scans usage: it is one number
 * per budget, started again when a usage event falls into a later period.
 *
 * A budget set in the middle of a period starts from the usage the registry already counted for that period (the
 * per-day usage of each agent), so that a budget set late in the day knows what the day already cost.
 */
import {
  isWithinFolder,
  periodStartMs,
  type Agent,
  type BudgetDefinition,
  type TrackerEvent,
  type Usage,
} from '../protocol/index.js';

export interface BudgetSpend {
  /** Start (epoch ms) of the period this spend belongs to. */
  periodStart: number;
  usd: number;
  unpricedRequests: number;
}

export interface BudgetEntry {
  definition: BudgetDefinition;
  spend: BudgetSpend;
  /** Start of the period in which `budget.warning` / `budget.exceeded` was last recorded (null: not since set). */
  warnedFor: number | null;
  exceededFor: number | null;
}

/** What the book reads of the rest of the registry. */
export interface BudgetSources {
  agents: ReadonlyMap<string, Agent>;
  usageByDay: ReadonlyMap<string, { byAgent: ReadonlyMap<string, Usage> }>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class BudgetBook {
  private readonly entries = new Map<string, BudgetEntry>();

  get(id: string): BudgetEntry | undefined {
    return this.entries.get(id);
  }

  values(): IterableIterator<BudgetEntry> {
    return this.entries.values();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Folds one event in (events of other types change nothing). */
  fold(event: TrackerEvent, sources: BudgetSources): void {
    switch (event.type) {
      case 'budget.set':
        this.set(event.data.budget, Date.parse(event.at), sources);
        return;
      case 'budget.removed':
        this.entries.delete(event.data.budgetId);
        return;
      case 'budget.warning':
      case 'budget.exceeded': {
        const entry = this.entries.get(event.data.budgetId);
        if (!entry) return;
        const start = Date.parse(event.data.periodStart);
        if (event.type === 'budget.warning') entry.warnedFor = start;
        else entry.exceededFor = start;
        return;
      }
      case 'agent.usage': {
        if (this.entries.size === 0 || !event.agentId) return;
        const agent = sources.agents.get(event.agentId);
        const at = Date.parse(event.at);
        for (const entry of this.entries.values()) {
          if (budgetCovers(entry.definition, agent)) addSpend(entry, at, event.data.usage);
        }
        return;
      }
      default:
        return;
    }
  }

  private set(definition: BudgetDefinition, at: number, sources: BudgetSources): void {
    const before = this.entries.get(definition.id);
    const sameScope =
      before !== undefined &&
      before.definition.period === definition.period &&
      before.definition.agentKind === definition.agentKind &&
      before.definition.folder === definition.folder;
    const sameLimit = sameScope && before.definition.usd === definition.usd;
    this.entries.set(definition.id, {
      definition,
      spend: sameScope ? before.spend : spendSoFar(definition, at, sources),
      // A limit or scope that changed is a new line to cross: it warns (or stops) again when crossed.
      warnedFor: sameLimit ? before.warnedFor : null,
      exceededFor: sameLimit ? before.exceededFor : null,
    });
  }
}

/** Whether a budget counts this agent's usage: its kind and its working folder, where the budget names them. */
export function budgetCovers(definition: Pick<BudgetDefinition, 'agentKind' | 'folder'>, agent: Pick<Agent, 'meta'> | undefined): boolean {
  if (definition.agentKind !== null && agent?.meta.kind !== definition.agentKind) return false;
  if (definition.folder !== null) {
    const cwd = agent?.meta.cwd ?? agent?.meta.workspace;
    if (typeof cwd !== 'string' || !isWithinFolder(cwd, definition.folder)) return false;
  }
  return true;
}

function addSpend(entry: BudgetEntry, at: number, usage: Pick<Usage, 'costUsd' | 'unpricedRequests'>): void {
  const start = periodStartMs(entry.definition.period, at);
  // Usage of an earlier period (another daemon's clock a little behind) no longer counts against this one.
  if (start < entry.spend.periodStart) return;
  if (start > entry.spend.periodStart) entry.spend = { periodStart: start, usd: 0, unpricedRequests: 0 };
  entry.spend.usd = Math.round((entry.spend.usd + usage.costUsd) * 1e6) / 1e6;
  entry.spend.unpricedRequests = Math.max(0, entry.spend.unpricedRequests + (usage.unpricedRequests ?? 0));
}

/** The usage already counted in the period holding `at`, from the registry's per-day usage of each agent. */
function spendSoFar(definition: BudgetDefinition, at: number, sources: BudgetSources): BudgetSpend {
  const spend: BudgetSpend = { periodStart: periodStartMs(definition.period, at), usd: 0, unpricedRequests: 0 };
  for (let day = spend.periodStart; day <= at; day += DAY_MS) {
    const byAgent = sources.usageByDay.get(new Date(day).toISOString().slice(0, 10))?.byAgent;
    if (!byAgent) continue;
    for (const [agentId, usage] of byAgent) {
      if (!budgetCovers(definition, sources.agents.get(agentId))) continue;
      spend.usd += usage.costUsd;
      spend.unpricedRequests += usage.unpricedRequests ?? 0;
    }
  }
  spend.usd = Math.round(spend.usd * 1e6) / 1e6;
  return spend;
}
