/**
 * Names that tell agents apart on the pages that list them side by side (the Timeline's lanes, the Dashboard's bars):
 * every Claude Code session in one folder is called "Claude Code · api", so agents that share a name say when they
 * started, "Claude Code · api (started 14:05)", which stays the same while the page zooms or agents come and go, and
 * is what the user remembers of a session. Two that started in the same minute add a short id.
 */
import { localDayKey } from './format.js';
import { shortTag } from './plainWords.js';
import type { Agent } from './protocol.js';

/**
 * An agent's name on those pages: `text` whole, and `tell`, the end of `text` that tells it from agents of the same
 * name ("(started 14:05)"). A page that cuts a long name cuts what comes before `tell`: the part every session of the
 * same agent in the same folder shares.
 */
export interface DistinctName {
  text: string;
  tell?: string;
}

export function distinctAgentNames(agents: Iterable<Agent>, now: number): Map<string, DistinctName> {
  const byName = new Map<string, Agent[]>();
  for (const agent of agents) {
    const name = agent.name || agent.id;
    let same = byName.get(name);
    if (!same) byName.set(name, (same = []));
    same.push(agent);
  }
  const today = localDayKey(new Date(now).toISOString());
  const names = new Map<string, DistinctName>();
  for (const [name, same] of byName) {
    if (same.length === 1) {
      names.set((same[0] as Agent).id, { text: name });
      continue;
    }
    const started = new Map(same.map((agent) => [agent.id, startedText(agent.registeredAt, today)]));
    const count = new Map<string, number>();
    for (const text of started.values()) count.set(text, (count.get(text) ?? 0) + 1);
    for (const agent of same) {
      const text = started.get(agent.id) as string;
      const tell = `(started ${text}${(count.get(text) ?? 0) > 1 ? `, ${shortTag(agent.id)}` : ''})`;
      names.set(agent.id, { text: `${name} ${tell}`, tell });
    }
  }
  return names;
}

function startedText(iso: string, today: string): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return localDayKey(iso) === today ? time : `${at.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })} ${time}`;
}
