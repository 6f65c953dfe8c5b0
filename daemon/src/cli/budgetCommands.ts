/** `agent-tracker budget set|list|rm`: spending budgets per day, week or month. */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { BUDGET_PERIODS, MAX_BUDGET_USD, budgetScope, type Budget, type BudgetPeriod } from '../protocol/index.js';
import { action, connect, output, withCommonOptions, type CommonOptions } from './context.js';
import { formatCost } from './taskFormat.js';
import { renderTable } from './table.js';

interface SetOptions extends CommonOptions {
  period: BudgetPeriod;
  usd: number;
  agentKind?: string;
  folder?: string;
  enforce?: boolean;
}

export function budgetCommands(): Command {
  const budget = new Command('budget').description('spending budgets: warn at 80 %, and refuse new prompts when enforced');

  withCommonOptions(budget.command('set').description('set a budget (the same period and scope again raises or lowers it)'))
    .addOption(new Option('--period <period>', 'the calendar period it counts (UTC)').choices(BUDGET_PERIODS).makeOptionMandatory())
    .requiredOption('--usd <amount>', 'the limit in US dollars', usdOption)
    .option('--agent-kind <kind>', 'only agents of this kind (claude-code, codex, gemini-cli, cursor, ...)')
    .option('--folder <dir>', 'only agents working in this folder or below it')
    .option('--enforce', "refuse a matching agent's new prompts while the budget is exceeded")
    .action(
      action(async (options: SetOptions) => {
        const client = await connect(options);
        const set = await client.setBudget({
          period: options.period,
          usd: options.usd,
          ...(options.agentKind ? { agentKind: options.agentKind } : {}),
          ...(options.folder ? { folder: resolve(options.folder) } : {}),
          enforce: Boolean(options.enforce),
        });
        output(options, set, () => `budget ${set.id}: ${describe(set)}`);
      }),
    );

  withCommonOptions(budget.command('list').description('budgets with their spend, forecast and state this period')).action(
    action(async (options: CommonOptions) => {
      const client = await connect(options);
      const budgets = await client.listBudgets();
      output(options, budgets, () => renderBudgets(budgets.items));
    }),
  );

  withCommonOptions(budget.command('rm <id>').description('remove a budget')).action(
    action(async (id: string, options: CommonOptions) => {
      const client = await connect(options);
      const result = await client.removeBudget(id);
      output(options, result, () => `removed budget ${id} (${result.removed.period}, ${budgetScope(result.removed)})`);
    }),
  );

  return budget;
}

function usdOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_BUDGET_USD) throw new InvalidArgumentError(`expected an amount above 0 and at most ${MAX_BUDGET_USD}`);
  return n;
}

/** "$4.20 of $5.00 this day (all agents), warning; forecast $6.10; enforced" */
function describe(b: Budget): string {
  const parts = [
    `${formatCost(b.spentUsd)} of ${formatCost(b.usd)} this ${b.period} (${budgetScope(b)}), ${b.state}`,
    `forecast ${formatCost(b.forecastUsd)} by ${b.periodEnd}`,
    b.enforce ? 'enforced: new prompts refused while exceeded' : 'warns only',
  ];
  if (b.unpricedRequests > 0) parts.push(unpricedNote(b.unpricedRequests));
  return parts.join('; ');
}

function unpricedNote(n: number): string {
  return n === 1 ? 'no price known for 1 request: its cost is not counted' : `no price known for ${n} requests: their cost is not counted`;
}

function renderBudgets(budgets: readonly Budget[]): string {
  if (budgets.length === 0) return 'no budgets (agent-tracker budget set --period day --usd 10)';
  const table = renderTable(
    ['ID', 'PERIOD', 'SCOPE', 'SPENT', 'LIMIT', 'FORECAST', 'STATE', 'ENFORCED', 'RESETS'],
    budgets.map((b) => [
      b.id,
      b.period,
      budgetScope(b),
      formatCost(b.spentUsd),
      formatCost(b.usd),
      formatCost(b.forecastUsd),
      b.state,
      b.enforce ? 'yes' : 'no',
      b.periodEnd,
    ]),
  );
  const notes = budgets.filter((b) => b.unpricedRequests > 0).map((b) => `${b.id}: ${unpricedNote(b.unpricedRequests)}`);
  return notes.length > 0 ? `${table}\n${notes.join('\n')}` : table;
}
