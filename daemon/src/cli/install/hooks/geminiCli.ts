/**
 * Gemini CLI: `~/.gemini/settings.json` (user) or `.gemini/settings.json` (project). Gemini runs every hook
 * synchronously, so only the events the tracker needs are hooked (not the per-model-call ones). It cannot take an
 * approval from a hook: `BeforeTool` runs after its own permission dialog.
 */
import path from 'node:path';
import { findAgent } from './agentHooks.js';
import { hookCommand } from './hookCommand.js';
import { jsonHooksInstaller } from './jsonHooksInstaller.js';

const EVENTS = ['SessionStart', 'BeforeAgent', 'BeforeTool', 'AfterTool', 'Notification', 'AfterAgent', 'SessionEnd'] as const;

export const geminiCliHooks = jsonHooksInstaller({
  agent: 'gemini-cli',
  name: 'Gemini CLI',
  layout: { grouped: true, commandKey: 'command' },
  configPath: (ctx) => (ctx.scope === 'user' ? path.join(ctx.userHome, '.gemini', 'settings.json') : path.join(ctx.cwd, '.gemini', 'settings.json')),
  foundAt: (ctx) => findAgent(ctx, ['gemini'], [path.join(ctx.userHome, '.gemini')]),
  // Gemini's hook timeouts are in milliseconds.
  entries: (ctx) => EVENTS.map((event) => [event, { type: 'command', command: hookCommand(ctx, 'gemini-cli'), timeout: 10_000 }] as const),
  approvals: { cannot: 'Gemini CLI runs BeforeTool after its own permission dialog, so a hook cannot answer it' },
});
