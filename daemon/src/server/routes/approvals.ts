/** /v1/approvals: what agents ask the user to decide, and the decision (the first one wins). */
import { TrackerError, ViaSchema } from '../../protocol/index.js';
import { listApprovals } from '../../engine/approvals.js';
import type { Tracker } from '../../engine/tracker.js';
import type { Handlers } from './handlers.js';
import { respond } from './respond.js';

export function approvalHandlers(tracker: Tracker): Pick<Handlers, 'listApprovals' | 'decideApproval'> {
  return {
    listApprovals: (_req, res, { query }) => {
      res.json({ items: listApprovals(tracker.state, query.state) });
    },

    decideApproval: async (req, res, { params: { id }, body }) => {
      const { via: bodyVia, ...decision } = body;
      const via = bodyVia ?? viaHeader(req.get('x-agent-tracker-via')) ?? 'api';
      // Whoever holds the token decides: the user. An agent has no way to decide here but the token, and none over MCP.
      await respond(tracker, req, res, 'user', (ctx) => tracker.decideApproval(id, { ...decision, via }, ctx));
    },
  };
}

function viaHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = ViaSchema.safeParse(value);
  if (!parsed.success) {
    throw new TrackerError('validation_failed', 'X-Agent-Tracker-Via must be a short lowercase word such as cli', [
      { path: 'X-Agent-Tracker-Via', message: parsed.error.issues[0]?.message ?? 'invalid' },
    ]);
  }
  return parsed.data;
}
