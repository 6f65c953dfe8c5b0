/**
 * One key per model request, whichever source reports it first: the agent's transcript (read by the hooks) or its
 * OpenTelemetry log records. The tracker counts a request once per key, so both sources must arrive at the same one.
 *
 * - The provider's request id is the key wherever a source knows it. Claude Code writes the API's `request-id` header
 *   into its transcript lines (`requestId`) and into its `api_request` event (`request_id`), so with the Anthropic API
 *   both sources name the request alike, across restarts too.
 * - Without it (a gateway or proxy that drops the header), the two sources share no id: a transcript names the message
 *   (`message.id`), an OTLP record only its place in the session (`event.sequence`). Then a report is matched to one of
 *   the other source's in the same session with the same token counts whose time agrees: a transcript line is written
 *   while its request runs, and an `api_request` event says when the request ended and how long it took. Among several
 *   candidates (a session's requests often report the same counts) the nearest in time wins. Each side keeps its own id
 *   for repeats (a transcript read again, an exporter's retry), which resolve to the key already given. The memory is
 *   bounded and in the daemon's process: a report whose counterpart was counted before a restart counts again.
 *
 * The model is left out of the match: a source may name the requested alias and the other the model that answered.
 * Cost is counted once too, from the first source that knows it: a transcript of a model with no known price counts
 * the tokens, and the agent's own cost from its OTLP event is added when that arrives (under a key of its own).
 */
import { BoundedMap } from '../../common/boundedMap.js';
import type { UsageSighting, UsageSource } from '../../protocol/index.js';

export type { UsageSource };
/** A request as one source saw it; which source is said apart. */
export type RequestSighting = Omit<UsageSighting, 'source'>;
import { requestKey } from './requestKey.js';

export interface RequestKeys {
  /** The key the request's usage counts under. */
  key: string;
  /** Set when the request was counted without a cost and this report has one: the cost alone counts under it. */
  costKey?: string;
}

/** How far apart two sightings' times may be and still be one request (clocks are the agent's own; exports lag). */
const MATCH_SLACK_MS = 2000;
/** Requests remembered per session, and sessions remembered. */
const PER_SESSION = 256;
const SESSIONS = 2000;

interface Seen {
  key: string;
  requestId?: string;
  counts: string;
  from: number;
  to: number;
  costed: boolean;
  /** Each source's own id of this request, once that source reported it. */
  ownIds: Partial<Record<UsageSource, string>>;
  /** Its keys in its session's index, dropped with it. */
  indexed: string[];
}

/** One session's requests: the latest in arrival order (for matching by time), and an index of their ids. */
class Session {
  readonly recent: Seen[] = [];
  /** `own:<source>:<id>` and `req:<request id>` to their request. */
  readonly ids = new Map<string, Seen>();

  add(seen: Seen): void {
    this.recent.push(seen);
    if (seen.requestId !== undefined) this.index(`req:${seen.requestId}`, seen);
    if (this.recent.length > PER_SESSION) {
      const old = this.recent.shift() as Seen;
      for (const key of old.indexed) if (this.ids.get(key) === old) this.ids.delete(key);
    }
  }

  index(key: string, seen: Seen): void {
    this.ids.set(key, seen);
    seen.indexed.push(key);
  }
}

export class RequestMatcher {
  private readonly sessions = new BoundedMap<string, Session>(SESSIONS);

  /** The keys under which `agentId`'s request seen by `source` is counted. */
  keysOf(agentId: string, source: UsageSource, sighting: RequestSighting): RequestKeys {
    const session = this.sessions.get(agentId) ?? new Session();
    this.sessions.set(agentId, session);
    const own = `own:${source}:${sighting.ownId}`;
    const again = session.ids.get(own);
    if (again) return keysFor(again, sighting);
    const counts = countsOf(sighting);
    const match =
      (sighting.requestId !== undefined ? session.ids.get(`req:${sighting.requestId}`) : undefined) ??
      nearest(session.recent, source, sighting, counts);
    if (match) {
      match.ownIds[source] = sighting.ownId;
      session.index(own, match);
      return keysFor(match, sighting);
    }
    const key = requestKey(agentId, sighting.requestId ?? `${source}:${sighting.ownId}`);
    const seen: Seen = {
      key,
      counts,
      from: sighting.from,
      to: sighting.to,
      costed: sighting.costed,
      ownIds: { [source]: sighting.ownId },
      indexed: [],
      ...(sighting.requestId !== undefined ? { requestId: sighting.requestId } : {}),
    };
    session.add(seen);
    session.index(own, seen);
    return { key };
  }
}

function keysFor(seen: Seen, sighting: RequestSighting): RequestKeys {
  if (seen.costed || !sighting.costed) return { key: seen.key };
  seen.costed = true;
  return { key: seen.key, costKey: `${seen.key}:cost` };
}

function countsOf(s: RequestSighting): string {
  return `${s.inputTokens}:${s.outputTokens}:${s.cacheReadTokens}:${s.cacheWriteTokens}`;
}

/**
 * The other source's unmatched sighting with the same counts nearest in time, within the slack. Two sightings that
 * both carry a request id are never matched here: different ids are different requests.
 */
function nearest(seen: Seen[], source: UsageSource, sighting: RequestSighting, counts: string): Seen | undefined {
  let best: { seen: Seen; gap: number } | undefined;
  for (const s of seen) {
    if (s.ownIds[source] !== undefined || s.counts !== counts) continue;
    if (s.requestId !== undefined && sighting.requestId !== undefined) continue;
    const gap = Math.max(0, s.from - sighting.to, sighting.from - s.to);
    if (gap <= MATCH_SLACK_MS && (!best || gap < best.gap)) best = { seen: s, gap };
  }
  return best?.seen;
}
