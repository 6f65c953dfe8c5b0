/**
 * GitHub Copilot CLI: reads every `*.json` in `~/.copilot/hooks/` (user) or `.github/hooks/` (project), each `{
 * "version": 1, "hooks": { "<event>": [ { "type": "command", "bash", "timeoutSec" } ] } }`. Ours is a file of its
 * own, `agent-tracker.json`, so the user's files are never touched.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { findAgent, type AgentInstaller, type HooksContext } from './agentHooks.js';
import { isJsonObject, writeTextFile } from './configFile.js';
import { forwarderCommand } from './forwarderFiles.js';

const EVENTS = ['sessionStart', 'userPromptSubmitted', 'preToolUse', 'postToolUse', 'agentStop', 'subagentStop', 'errorOccurred', 'sessionEnd'] as const;

function configPath(ctx: HooksContext): string {
  return ctx.scope === 'user' ? path.join(ctx.userHome, '.copilot', 'hooks', 'agent-tracker.json') : path.join(ctx.cwd, '.github', 'hooks', 'agent-tracker.json');
}

function content(ctx: HooksContext): string {
  const entry = { type: 'command', bash: forwarderCommand(ctx.trackerHome, 'copilot-cli'), timeoutSec: 10 };
  return `${JSON.stringify({ version: 1, hooks: Object.fromEntries(EVENTS.map((event) => [event, [entry]])) }, null, 2)}\n`;
}

function read(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

export const copilotCliHooks: AgentInstaller = {
  agent: 'copilot-cli',
  name: 'Copilot CLI',
  install(ctx) {
    const file = configPath(ctx);
    return { changed: writeTextFile(file, read(file), content(ctx)), config: file, notes: [] };
  },
  uninstall(ctx) {
    const file = configPath(ctx);
    if (!existsSync(file)) return { changed: false, config: file, notes: [] };
    rmSync(file);
    return { changed: true, config: file, notes: [] };
  },
  status(ctx) {
    const file = configPath(ctx);
    let events: string[] = [];
    try {
      const parsed: unknown = JSON.parse(read(file) ?? '{}');
      if (isJsonObject(parsed) && isJsonObject(parsed['hooks'])) events = Object.keys(parsed['hooks']);
    } catch {
      // A damaged file of ours counts as not installed; install rewrites it.
    }
    return {
      agent: 'copilot-cli',
      name: 'Copilot CLI',
      foundAt: findAgent(ctx, ['copilot'], [path.join(ctx.userHome, '.copilot')]),
      installed: EVENTS.every((event) => events.includes(event)),
      events,
      config: file,
      notes: [],
    };
  },
};
