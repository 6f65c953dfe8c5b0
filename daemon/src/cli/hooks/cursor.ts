/**
 * Cursor: `~/.cursor/hooks.json` (user) or `.cursor/hooks.json` (project), `{ "version": 1, "hooks": { "<event>":
 * [ { "command" } ] } }`. Cursor parses a hook's stdout as JSON: the forwarder answers `{}`.
 */
import path from 'node:path';
import { findAgent, type AgentHookStatus, type AgentInstaller, type HooksContext } from './agentHooks.js';
import { isJsonObject, readJsonDocument, writeJsonDocument, type JsonObject } from './configFile.js';
import { forwarderCommand, isOurCommand } from './forwarderFiles.js';

const EVENTS = [
  'sessionStart',
  'beforeSubmitPrompt',
  'beforeShellExecution',
  'afterShellExecution',
  'beforeMCPExecution',
  'afterMCPExecution',
  'afterFileEdit',
  'afterAgentResponse',
  'stop',
  'sessionEnd',
] as const;

function configPath(ctx: HooksContext): string {
  return ctx.scope === 'user' ? path.join(ctx.userHome, '.cursor', 'hooks.json') : path.join(ctx.cwd, '.cursor', 'hooks.json');
}

function eventLists(value: JsonObject): JsonObject {
  if (!isJsonObject(value['hooks'])) value['hooks'] = {};
  return value['hooks'] as JsonObject;
}

export const cursorHooks: AgentInstaller = {
  agent: 'cursor',
  name: 'Cursor',
  install(ctx) {
    const doc = readJsonDocument(configPath(ctx));
    if (doc.value['version'] === undefined) doc.value['version'] = 1;
    const hooks = eventLists(doc.value);
    const command = forwarderCommand(ctx.trackerHome, 'cursor');
    for (const event of EVENTS) {
      const list = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
      const ours = list.findIndex((entry) => isJsonObject(entry) && isOurCommand(entry['command']));
      if (ours === -1) list.push({ command });
      else list[ours] = { command };
      hooks[event] = list;
    }
    return { changed: writeJsonDocument(doc), config: doc.file, notes: [] };
  },
  uninstall(ctx) {
    const doc = readJsonDocument(configPath(ctx));
    if (!isJsonObject(doc.value['hooks'])) return { changed: false, config: doc.file, notes: [] };
    const hooks = doc.value['hooks'];
    for (const [event, list] of Object.entries(hooks)) {
      if (!Array.isArray(list)) continue;
      const kept = list.filter((entry) => !(isJsonObject(entry) && isOurCommand(entry['command'])));
      if (kept.length === list.length) continue;
      if (kept.length === 0) delete hooks[event];
      else hooks[event] = kept;
    }
    return { changed: writeJsonDocument(doc), config: doc.file, notes: [] };
  },
  status(ctx): AgentHookStatus {
    const doc = readJsonDocument(configPath(ctx));
    const hooks = isJsonObject(doc.value['hooks']) ? doc.value['hooks'] : {};
    const events = Object.entries(hooks)
      .filter(([, list]) => Array.isArray(list) && list.some((entry) => isJsonObject(entry) && isOurCommand(entry['command'])))
      .map(([event]) => event);
    return {
      agent: 'cursor',
      name: 'Cursor',
      foundAt: findAgent(ctx, ['cursor-agent', 'cursor'], [path.join(ctx.userHome, '.cursor')]),
      installed: EVENTS.every((event) => events.includes(event)),
      events,
      config: doc.file,
      notes: [],
    };
  },
};
