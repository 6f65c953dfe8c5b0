/**
 * POST /v1/hooks/:kind: one raw hook payload of an agent, as its forwarder (or the agent's own HTTP hook) sends it.
 * The body is read here rather than by the JSON parser of the other routes, so that a payload that is not JSON is
 * counted and logged like any other unreadable payload instead of becoming an error the agent might show.
 * Optional headers: X-Agent-Pid (the agent's process), X-Observed-At (when the forwarder saw the event),
 * X-Agent-Tmux-Pane and X-Agent-Tmux-Socket (the tmux pane it runs in, and that server's socket), and
 * X-Agent-Tracker-Wait: N from a permission hook installed with approvals: the payload's approval is recorded and the
 * answer held until the user decides (then `output` carries the decision in the agent's format) or N seconds pass (the
 * approval expires and there is no output: the agent asks in its own terminal). Nothing polls: the decision's commit
 * wakes the waiting request.
 */
import { findTooDeep, HookSource, IsoTime, isTmuxSocket, MAX_JSON_DEPTH, TMUX_PANE_PATTERN, type HookCommandInput } from '../../protocol/index.js';
import { agentActor } from '../../engine/context.js';
import { awaitDecision } from '../../engine/approvalWaits.js';
import type { HookPayloads } from '../../engine/activity/hookPayloads.js';
import type { Handlers } from './handlers.js';

export function hookHandlers(hooks: HookPayloads): Pick<Handlers, 'ingestHook'> {
  return {
    ingestHook: async (req, res) => {
      const kind = String(req.params.kind);
      const payload = readPayload(req.body);
      const tooDeep = payload !== undefined && findTooDeep(payload) !== null;
      if (!HookSource.safeParse(kind).success || payload === undefined || tooDeep) {
        const why =
          payload === undefined
            ? `a ${kind.slice(0, 64)} hook body that is not a JSON object`
            : tooDeep
              ? `a ${kind.slice(0, 64)} hook body nested deeper than ${MAX_JSON_DEPTH} levels`
              : `hook kind "${kind.slice(0, 64)}" is not an agent kind`;
        hooks.reject(kind.slice(0, 64), why);
        res.status(202).json({ applied: 0 });
        return;
      }
      const hook: HookCommandInput = { op: 'hook', source: kind, payload };
      const pid = Number(req.get('x-agent-pid'));
      if (Number.isInteger(pid) && pid > 0) hook.pid = pid;
      // A pane or socket not shaped as tmux writes them is left out, the rest of the payload kept.
      const pane = req.get('x-agent-tmux-pane');
      const socket = req.get('x-agent-tmux-socket');
      if (pane !== undefined && TMUX_PANE_PATTERN.test(pane)) {
        hook.tmuxPane = pane;
        if (socket !== undefined && isTmuxSocket(socket)) hook.tmuxSocket = socket;
      }
      const at = req.get('x-observed-at');
      if (at !== undefined && IsoTime.safeParse(at).success) hook.at = at;
      const waitSeconds = approvalWait(req.get('x-agent-tracker-wait'));
      // The hook's process may give up (its own timeout, the agent was stopped), even before its approval is recorded:
      // then nobody will read a decision any more.
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      const outcome = hooks.ingest(hook, { actor: agentActor(kind), discardBody: true, replyToAgent: true }, waitSeconds ? { approvalWaitMs: waitSeconds * 1000 } : {});
      await outcome.durable;
      const pending = outcome.approval;
      if (!pending) {
        res.status(202).json(outcome.body);
        return;
      }
      const approval = await awaitDecision(hooks.tracker, pending.id, waitSeconds * 1000, gone.signal);
      const output = pending.answer(approval);
      if (!res.writableEnded && !gone.signal.aborted) res.status(202).json(output ? { ...outcome.body, output } : outcome.body);
    },
  };
}

/** The longest a hook may hold its request open for a decision. */
export const MAX_APPROVAL_WAIT_SECONDS = 24 * 60 * 60;

/** `X-Agent-Tracker-Wait: N`, whole seconds from 1 up to the bound (a day, as the forwarder's); anything else means the hook does not wait. */
function approvalWait(header: string | undefined): number {
  if (header === undefined || !/^\d{1,5}$/.test(header.trim())) return 0;
  const seconds = Number(header.trim());
  return seconds >= 1 ? Math.min(seconds, MAX_APPROVAL_WAIT_SECONDS) : 0;
}

function readPayload(body: unknown): Record<string, unknown> | undefined {
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  try {
    const text = body.toString('utf8');
    const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
