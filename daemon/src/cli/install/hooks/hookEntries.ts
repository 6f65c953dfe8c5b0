/**
 * The two layouts agents keep hook entries in, edited through JsonDocument so only our entries' bytes change:
 * grouped (Claude Code, Codex, Gemini CLI: `hooks.<Event>[i].hooks[j]`, each group with an optional matcher) and flat
 * (Cursor, Copilot CLI: `hooks.<event>[i]`). Ours are the entries whose command is exactly one we write; everything
 * else (the user's hooks, other keys, their order, comments) stays as it is.
 */
import { ConfigFileError } from '../configFile.js';
import { isJsonObject, type JsonDocument, type JsonObject, type JsonPath } from '../jsonDocument.js';

export interface HookLayout {
  grouped: boolean;
  /** The field holding the command (`command`; Copilot CLI: `bash`). */
  commandKey: string;
}

export type IsOurs = (command: unknown) => boolean;

/** Puts `wanted` (event -> our entry) in place: ours replaced where they are, added after the user's, and ours taken off every other event. */
export function placeHooks(doc: JsonDocument, layout: HookLayout, wanted: ReadonlyMap<string, JsonObject>, isOurs: IsOurs): void {
  checkShape(doc);
  for (const [event, entry] of wanted) {
    const listType = doc.typeAt(['hooks', event]);
    if (listType !== undefined && listType !== 'array') throw new ConfigFileError(doc.file, `"hooks.${event}" is not a list`);
    const [first, ...duplicates] = ourPaths(doc, layout, event, isOurs);
    if (first === undefined) {
      const item = layout.grouped ? { hooks: [entry] } : entry;
      if (listType === undefined) doc.set(['hooks', event], [item]);
      else doc.append(['hooks', event], item);
      continue;
    }
    doc.set(first, entry);
    for (const path of duplicates.reverse()) removeEntry(doc, layout, path);
  }
  for (const event of events(doc)) if (!wanted.has(event)) removeOursOn(doc, layout, event, isOurs);
}

/** Takes every one of our entries out, and the groups, lists and `hooks` object that held only ours. */
export function removeHooks(doc: JsonDocument, layout: HookLayout, isOurs: IsOurs): void {
  checkShape(doc);
  for (const event of events(doc)) removeOursOn(doc, layout, event, isOurs);
}

/** Our entries by event. */
export function ourHooks(doc: JsonDocument, layout: HookLayout, isOurs: IsOurs): Map<string, JsonObject> {
  const found = new Map<string, JsonObject>();
  for (const event of events(doc)) {
    const path = ourPaths(doc, layout, event, isOurs)[0];
    if (path !== undefined) found.set(event, doc.get(path) as JsonObject);
  }
  return found;
}

function checkShape(doc: JsonDocument): void {
  const type = doc.typeAt(['hooks']);
  if (type !== undefined && type !== 'object') throw new ConfigFileError(doc.file, '"hooks" is not an object');
}

function events(doc: JsonDocument): string[] {
  const hooks = doc.get(['hooks']);
  return isJsonObject(hooks) ? Object.keys(hooks) : [];
}

/** Paths of our entries on `event`, in file order. */
function ourPaths(doc: JsonDocument, layout: HookLayout, event: string, isOurs: IsOurs): JsonPath[] {
  const list = doc.get(['hooks', event]);
  if (!Array.isArray(list)) return [];
  const mine = (entry: unknown) => isJsonObject(entry) && isOurs(entry[layout.commandKey]);
  if (!layout.grouped) return list.flatMap((entry, i) => (mine(entry) ? [['hooks', event, i]] : []));
  return list.flatMap((group, i) => {
    const entries = isJsonObject(group) && Array.isArray(group['hooks']) ? (group['hooks'] as unknown[]) : [];
    return entries.flatMap((entry, j) => (mine(entry) ? [['hooks', event, i, 'hooks', j]] : []));
  });
}

function removeOursOn(doc: JsonDocument, layout: HookLayout, event: string, isOurs: IsOurs): void {
  // Last first, so the paths of the ones before stay valid.
  for (const path of ourPaths(doc, layout, event, isOurs).reverse()) removeEntry(doc, layout, path);
}

/** Removes one entry, and with it each container it leaves empty: its group (matcher and all), the event, `hooks`. */
function removeEntry(doc: JsonDocument, layout: HookLayout, path: JsonPath): void {
  const event = path.slice(0, 2);
  if (layout.grouped && sizeOf(doc.get(path.slice(0, 4))) > 1) doc.remove(path);
  else if (sizeOf(doc.get(event)) > 1) doc.remove(layout.grouped ? path.slice(0, 3) : path);
  else doc.remove(sizeOf(doc.get(['hooks'])) > 1 ? event : ['hooks']);
}

function sizeOf(value: unknown): number {
  return Array.isArray(value) ? value.length : isJsonObject(value) ? Object.keys(value).length : 0;
}

/** Every entry of the grouped layout, ours and the user's (Codex asks the user to trust each one). */
export function allCommands(doc: JsonDocument): JsonObject[] {
  const hooks = doc.get(['hooks']);
  if (!isJsonObject(hooks)) return [];
  return Object.values(hooks).flatMap((groups) =>
    Array.isArray(groups) ? groups.flatMap((group) => (isJsonObject(group) && Array.isArray(group['hooks']) ? (group['hooks'] as unknown[]).filter(isJsonObject) : [])) : [],
  );
}
