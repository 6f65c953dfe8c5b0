/**
 * 0004: the events a daemon folds at load besides the tasks and agents tables: usage (per-day usage, budgets' spend)
 * and budgets. A partial index finds them without reading the whole feed; the predicate is the one `load` uses.
 */
export const sql = `
CREATE INDEX events_summaries ON events (seq)
  WHERE (event->>'type') IN ('agent.usage', 'budget.set', 'budget.removed', 'budget.warning', 'budget.exceeded');
`;
