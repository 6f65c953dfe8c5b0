/**
 * The hook layout Claude Code, Codex and Gemini CLI share: `{ "hooks": { "<Event>": [ { "matcher"?, "hooks": [
 * { "type": "command", "command", ... } ] } ] } }`. Ours are the handlers whose command runs the forwarder launcher;
 * everything else (the user's hooks, other keys, their order) stays as it is.
 */
import { isOurCommand } from './forwarderFiles.js';
import { isJsonObject, type JsonObject } from './configFile.js';

export type Handler = JsonObject & { command: string };

/** Puts our handler on each event (replacing our earlier one in place) and takes ours off every other event. */
export function mergeGroupedHooks(settings: JsonObject, wanted: ReadonlyMap<string, Handler>): void {
  const hooks = isJsonObject(settings['hooks']) ? settings['hooks'] : {};
  for (const [event, handler] of wanted) {
    const groups = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    let placed = false;
    for (const group of groups) {
      if (!isJsonObject(group) || !Array.isArray(group['hooks'])) continue;
      group['hooks'] = (group['hooks'] as unknown[]).flatMap((entry) => {
        if (!isJsonObject(entry) || !isOurCommand(entry['command'])) return [entry];
        if (placed) return [];
        placed = true;
        return [handler];
      });
    }
    if (!placed) groups.push({ hooks: [handler] });
    hooks[event] = groups;
  }
  removeOurs(hooks, (event) => !wanted.has(event));
  settings['hooks'] = hooks;
}

/** Takes every one of our handlers out; returns whether there were any. */
export function removeGroupedHooks(settings: JsonObject): boolean {
  if (!isJsonObject(settings['hooks'])) return false;
  const removed = removeOurs(settings['hooks'], () => true);
  if (removed && Object.keys(settings['hooks']).length === 0) delete settings['hooks'];
  return removed;
}

/** The events that run our forwarder. */
export function ourGroupedEvents(settings: JsonObject): string[] {
  if (!isJsonObject(settings['hooks'])) return [];
  return Object.entries(settings['hooks'])
    .filter(([, groups]) => Array.isArray(groups) && groups.some((group) => handlersOf(group).some((h) => isOurCommand(h['command']))))
    .map(([event]) => event);
}

/** Every command handler in the file, ours and the user's. */
export function allGroupedHandlers(settings: JsonObject): JsonObject[] {
  if (!isJsonObject(settings['hooks'])) return [];
  return Object.values(settings['hooks']).flatMap((groups) => (Array.isArray(groups) ? groups.flatMap(handlersOf) : []));
}

function handlersOf(group: unknown): JsonObject[] {
  return isJsonObject(group) && Array.isArray(group['hooks']) ? (group['hooks'] as unknown[]).filter(isJsonObject) : [];
}

/** Drops our handlers on the chosen events, and the groups and events that only held ours. */
function removeOurs(hooks: JsonObject, onEvent: (event: string) => boolean): boolean {
  let removedAny = false;
  for (const [event, groups] of Object.entries(hooks)) {
    if (!onEvent(event) || !Array.isArray(groups)) continue;
    let removedHere = false;
    const kept = groups.filter((group) => {
      if (!isJsonObject(group) || !Array.isArray(group['hooks'])) return true;
      const entries = group['hooks'] as unknown[];
      const others = entries.filter((entry) => !(isJsonObject(entry) && isOurCommand(entry['command'])));
      if (others.length === entries.length) return true;
      removedHere = true;
      group['hooks'] = others;
      return others.length > 0;
    });
    if (!removedHere) continue;
    removedAny = true;
    if (kept.length === 0) delete hooks[event];
    else hooks[event] = kept;
  }
  return removedAny;
}
