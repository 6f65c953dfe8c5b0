/**
 * The budgets as the daemon reports them (spend, forecast, state), kept current for the status bar and the
 * notifications. The stream carries no spend per budget, so the list is read again: at once when a budget event
 * arrives, at most every few seconds while usage arrives, and when the nearest period ends. A budget that crossed a
 * line live (`budget.warning`, `budget.exceeded`) is announced once the list says where it stands. No `vscode` here.
 */
import { Emitter, type Event } from '../common/emitter.js';
import { Disposable } from '../common/lifecycle.js';
import type { Budget, TrackerEvent } from './protocol.js';
import type { TrackerModel } from './trackerModel.js';
import { describeError } from './protocol.js';

export interface BudgetCrossing {
  type: 'budget.warning' | 'budget.exceeded';
  budget: Budget;
}

export interface BudgetWatchOptions {
  /** The least time between two reads caused by usage. */
  usageDelayMs?: number;
  log?: (message: string) => void;
}

const DEFAULT_USAGE_DELAY_MS = 3000;
/** A budget event is read at once, give or take the rest of its burst. */
const EVENT_DELAY_MS = 50;
/** Timers longer than this overflow; a month's end is read again after a day and rescheduled. */
const MAX_TIMER_MS = 24 * 60 * 60 * 1000;

export class BudgetWatch extends Disposable {
  private list: readonly Budget[] = [];
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private readDueAt = Infinity;
  private periodTimer: ReturnType<typeof setTimeout> | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  /** Lines crossed live, announced after the next read. */
  private crossed: { type: BudgetCrossing['type']; budgetId: string }[] = [];
  private readonly changeEmitter = this.register(new Emitter<readonly Budget[]>());
  readonly onDidChange: Event<readonly Budget[]> = this.changeEmitter.event;
  private readonly crossEmitter = this.register(new Emitter<BudgetCrossing>());
  readonly onDidCross: Event<BudgetCrossing> = this.crossEmitter.event;

  constructor(
    private readonly model: TrackerModel,
    private readonly load: () => Promise<readonly Budget[]>,
    private readonly options: BudgetWatchOptions = {},
  ) {
    super();
    this.register(model.onDidApplyEvent((event) => this.onEvent(event)));
    this.register(
      model.onDidChangeConnection((state) => {
        if (state.kind === 'connected') this.readIn(0);
        else this.set([]);
      }),
    );
    this.register({ dispose: () => (clearTimeout(this.readTimer), clearTimeout(this.periodTimer)) });
    if (model.connection.kind === 'connected') this.readIn(0);
  }

  get budgets(): readonly Budget[] {
    return this.list;
  }

  /** Reads the list now (or once more after the read under way). */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.reading;
  }

  private onEvent(event: TrackerEvent): void {
    if (event.type.startsWith('budget.')) {
      if (this.model.live && (event.type === 'budget.warning' || event.type === 'budget.exceeded')) {
        this.crossed.push({ type: event.type, budgetId: event.data.budgetId });
      }
      this.readIn(EVENT_DELAY_MS);
    } else if ((event.type === 'task.usage' || event.type === 'agent.usage') && this.list.length) {
      this.readIn(this.options.usageDelayMs ?? DEFAULT_USAGE_DELAY_MS);
    }
  }

  /** A read within `ms`: an earlier one already planned stands (usage keeps arriving; reads do not pile up). */
  private readIn(ms: number): void {
    const due = Date.now() + ms;
    if (this.readTimer && this.readDueAt <= due) return;
    clearTimeout(this.readTimer);
    this.readDueAt = due;
    this.readTimer = setTimeout(() => {
      this.readTimer = undefined;
      this.readDueAt = Infinity;
      void this.refresh();
    }, ms);
  }

  private async read(): Promise<void> {
    if (this.model.connection.kind !== 'connected') return;
    let budgets: readonly Budget[];
    try {
      budgets = await this.load();
    } catch (error) {
      // A daemon without budgets (an older version) or a read that failed: the next event or connection tries again.
      this.options.log?.(`budgets: ${describeError(error)}`);
      return;
    }
    this.set(budgets);
    const crossed = this.crossed;
    this.crossed = [];
    for (const { type, budgetId } of crossed) {
      const budget = budgets.find((b) => b.id === budgetId);
      if (budget) this.crossEmitter.fire({ type, budget });
    }
  }

  private set(budgets: readonly Budget[]): void {
    const same = budgets.length === this.list.length && budgets.every((b, i) => sameFigures(b, this.list[i]));
    this.list = budgets;
    this.planPeriodEnd();
    if (!same) this.changeEmitter.fire(budgets);
  }

  /** When the nearest period ends its spend starts again from zero: read then. */
  private planPeriodEnd(): void {
    clearTimeout(this.periodTimer);
    this.periodTimer = undefined;
    if (!this.list.length) return;
    const end = Math.min(...this.list.map((b) => Date.parse(b.periodEnd)));
    const ms = Math.min(Math.max(end - Date.now() + 1000, 1000), MAX_TIMER_MS);
    this.periodTimer = setTimeout(() => void this.refresh(), ms);
  }
}

function sameFigures(a: Budget, b: Budget | undefined): boolean {
  return (
    b !== undefined &&
    a.id === b.id &&
    a.updatedAt === b.updatedAt &&
    a.periodStart === b.periodStart &&
    a.spentUsd === b.spentUsd &&
    a.forecastUsd === b.forecastUsd &&
    a.state === b.state &&
    a.unpricedRequests === b.unpricedRequests
  );
}
