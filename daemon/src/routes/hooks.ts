/**
 * POST /v1/hooks/:kind: one raw hook payload of an agent, as its forwarder (or the agent's own HTTP hook) sends it.
 * The body is read here rather than by the JSON parser of the other routes, so that a payload that is not JSON is
 * counted and logged like any other unreadable payload instead of becoming an error the agent might show.
 * Optional headers: X-Agent-Pid (the agent's process), X-Observed-At (when the forwarder saw the event).
 */
import { findTooDeep, HookSource, IsoTime, MAX_JSON_DEPTH, type HookCommandInput } from '../protocol/index.js';
import { agentActor } from '../engine/context.js';
import type { Tracker } from '../engine/tracker.js';
import type { HookIngest } from '../ingest/hookIngest.js';
import type { Handlers } from './handlers.js';

export function hookHandlers(tracker: Tracker, hooks: HookIngest): Pick<Handlers, 'ingestHook'> {
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
      const at = req.get('x-observed-at');
      if (at !== undefined && IsoTime.safeParse(at).success) hook.at = at;
      const outcome = tracker.ingestHook(hook, { actor: agentActor(kind), discardBody: true });
      await outcome.durable;
      res.status(202).json(outcome.body);
    },
  };
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
