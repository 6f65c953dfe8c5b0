/** An installer for the agents whose hooks live in a JSON settings file in the shared grouped layout (groupedHooks.ts). */
import { writeJsonDocument, readJsonDocument, type JsonObject } from './configFile.js';
import { forwarderCommand } from './forwarderFiles.js';
import { mergeGroupedHooks, ourGroupedEvents, removeGroupedHooks, type Handler } from './groupedHooks.js';
import type { AgentHookStatus, AgentInstaller, ChangeResult, HookAgent, HooksContext } from './agentHooks.js';

export interface GroupedAgent {
  agent: HookAgent;
  name: string;
  configPath(ctx: HooksContext): string;
  foundAt(ctx: HooksContext): string | null;
  /** Each event we hook, with the handler fields beyond `type` and `command` (async, timeout). */
  events: ReadonlyArray<readonly [event: string, extra: JsonObject]>;
  /** Extra status (Codex: trust). */
  decorate?(ctx: HooksContext, status: AgentHookStatus, settings: JsonObject): void;
}

export function groupedInstaller(spec: GroupedAgent): AgentInstaller {
  const handlers = (ctx: HooksContext): Map<string, Handler> =>
    new Map(spec.events.map(([event, extra]) => [event, { type: 'command', command: forwarderCommand(ctx.trackerHome, spec.agent), ...extra }]));
  return {
    agent: spec.agent,
    name: spec.name,
    install(ctx): ChangeResult {
      const doc = readJsonDocument(spec.configPath(ctx));
      mergeGroupedHooks(doc.value, handlers(ctx));
      return { changed: writeJsonDocument(doc), config: doc.file, notes: [] };
    },
    uninstall(ctx): ChangeResult {
      const doc = readJsonDocument(spec.configPath(ctx));
      const changed = removeGroupedHooks(doc.value) && writeJsonDocument(doc);
      return { changed, config: doc.file, notes: [] };
    },
    status(ctx): AgentHookStatus {
      const doc = readJsonDocument(spec.configPath(ctx));
      const events = ourGroupedEvents(doc.value);
      const status: AgentHookStatus = {
        agent: spec.agent,
        name: spec.name,
        foundAt: spec.foundAt(ctx),
        installed: spec.events.every(([event]) => events.includes(event)),
        events,
        config: doc.file,
        notes: [],
      };
      spec.decorate?.(ctx, status, doc.value);
      return status;
    },
  };
}
