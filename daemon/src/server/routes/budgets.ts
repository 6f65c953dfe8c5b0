/** /v1/budgets: list, set (create, change or raise) and remove spending budgets. */
import type { Tracker } from '../../engine/tracker.js';
import type { Handlers } from './handlers.js';
import { respond } from './respond.js';

export function budgetHandlers(tracker: Tracker): Pick<Handlers, 'listBudgets' | 'setBudget' | 'removeBudget'> {
  return {
    listBudgets: (_req, res) => {
      res.json({ items: tracker.budgets.list() });
    },

    setBudget: async (req, res, { body }) => {
      await respond(tracker, req, res, 'user', (ctx) => tracker.budgets.set(body, ctx));
    },

    removeBudget: async (req, res, { params: { id } }) => {
      await respond(tracker, req, res, 'user', (ctx) => tracker.budgets.remove(id, ctx));
    },
  };
}
