/**
 * Budgets in words, for the status bar and notifications: "$3.20 / $10 today", which budget is the tightest, and what
 * a warning or an exceeded budget means. Scopes are set by whoever holds the token: shown as plain text. No `vscode`.
 */
import { oneLine } from './plainWords.js';
import { budgetScope, type Budget, type BudgetPeriod } from './protocol.js';

const NOW_WORDS: Readonly<Record<BudgetPeriod, string>> = { day: 'today', week: 'this week', month: 'this month' };
const EACH_WORDS: Readonly<Record<BudgetPeriod, string>> = { day: 'a day', week: 'a week', month: 'a month' };
const STATE_RANK = { ok: 0, warning: 1, exceeded: 2 } as const;

/** Dollars as people write them: "$10" for a round limit, "$3.20", "$0.0042" below a cent. */
export function usdText(usd: number): string {
  if (Number.isInteger(usd)) return `$${usd}`;
  return usd > 0 && usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** The budget closest to (or furthest past) its limit: the one the status bar shows. */
export function tightestBudget(budgets: readonly Budget[]): Budget | undefined {
  let best: Budget | undefined;
  for (const budget of budgets) {
    if (!best) best = budget;
    else {
      const byState = STATE_RANK[budget.state] - STATE_RANK[best.state];
      if (byState > 0 || (byState === 0 && budget.spentUsd / budget.usd > best.spentUsd / best.usd)) best = budget;
    }
  }
  return best;
}

/** "$3.20 / $10 today" */
export function budgetShortText(budget: Budget): string {
  return `${usdText(budget.spentUsd)} / ${usdText(budget.usd)} ${NOW_WORDS[budget.period]}`;
}

/** "$10 a day for claude-code agents in /src/app" */
export function budgetName(budget: Budget): string {
  return `${usdText(budget.usd)} ${EACH_WORDS[budget.period]} for ${oneLine(budgetScope(budget), 160)}`;
}

/** A budget's whole story in a sentence or two: spend, forecast, what happens at the limit. */
export function budgetDetail(budget: Budget): string {
  const enforced = budget.enforce ? 'new prompts of its agents are refused while it is exceeded' : 'it warns, never stops an agent';
  const state = budget.state === 'exceeded' ? 'exceeded' : budget.state === 'warning' ? 'past 80 %' : 'within its limit';
  const unpriced = budget.unpricedRequests ? ` ${budget.unpricedRequests} request${budget.unpricedRequests === 1 ? '' : 's'} of models without a price are not counted.` : '';
  return (
    `Budget ${budgetName(budget)}: ${usdText(budget.spentUsd)} spent ${NOW_WORDS[budget.period]} (${state}), ` +
    `${usdText(budget.forecastUsd)} forecast by the end of the ${budget.period}; ${enforced}.${unpriced}`
  );
}

/** The notification for a budget that crossed a line. */
export function crossingText(type: 'budget.warning' | 'budget.exceeded', budget: Budget): string {
  const spent = `${usdText(budget.spentUsd)} of ${usdText(budget.usd)} spent ${NOW_WORDS[budget.period]}`;
  if (type === 'budget.warning') return `Agent Tracker: budget ${budgetName(budget)} is past 80 % (${spent}).`;
  const stop = budget.enforce ? ' New prompts of its agents are refused until the period ends or the budget is raised.' : '';
  return `Agent Tracker: budget ${budgetName(budget)} is exceeded (${spent}).${stop}`;
}
