/**
 * Claude Code: `~/.claude/settings.json` (user) or `.claude/settings.json` (project). Hooks that only observe run
 * asynchronously (`async: true`), so Claude Code never waits for them; the turn's end and the session's end run
 * synchronously, because Claude Code does not wait for background hooks when it exits.
 */
import path from 'node:path';
import { findAgent } from './agentHooks.js';
import { groupedInstaller } from './groupedInstaller.js';

const background = { async: true, timeout: 10 };
const inline = { timeout: 10 };

export const claudeCodeHooks = groupedInstaller({
  agent: 'claude-code',
  name: 'Claude Code',
  configPath: (ctx) => (ctx.scope === 'user' ? path.join(ctx.userHome, '.claude', 'settings.json') : path.join(ctx.cwd, '.claude', 'settings.json')),
  foundAt: (ctx) => findAgent(ctx, ['claude'], [path.join(ctx.userHome, '.claude')]),
  events: [
    ['SessionStart', background],
    ['UserPromptSubmit', background],
    ['PreToolUse', background],
    ['PostToolUse', background],
    ['PostToolUseFailure', background],
    ['PermissionRequest', background],
    ['Notification', background],
    ['SubagentStart', background],
    ['SubagentStop', background],
    ['Stop', inline],
    ['StopFailure', inline],
    ['SessionEnd', inline],
  ],
});
