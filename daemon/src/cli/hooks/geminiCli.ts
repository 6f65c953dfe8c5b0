/**
 * Gemini CLI: `~/.gemini/settings.json` (user) or `.gemini/settings.json` (project). Gemini runs every hook
 * synchronously, so only the events the tracker needs are hooked (not the per-model-call ones).
 */
import path from 'node:path';
import { findAgent } from './agentHooks.js';
import { groupedInstaller } from './groupedInstaller.js';

const handler = { timeout: 10_000 };

export const geminiCliHooks = groupedInstaller({
  agent: 'gemini-cli',
  name: 'Gemini CLI',
  configPath: (ctx) => (ctx.scope === 'user' ? path.join(ctx.userHome, '.gemini', 'settings.json') : path.join(ctx.cwd, '.gemini', 'settings.json')),
  foundAt: (ctx) => findAgent(ctx, ['gemini'], [path.join(ctx.userHome, '.gemini')]),
  events: [
    ['SessionStart', handler],
    ['BeforeAgent', handler],
    ['BeforeTool', handler],
    ['AfterTool', handler],
    ['Notification', handler],
    ['AfterAgent', handler],
    ['SessionEnd', handler],
  ],
});
