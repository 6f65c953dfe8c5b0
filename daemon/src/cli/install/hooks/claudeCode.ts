/**
 * Claude Code: `~/.claude/settings.json` (user) or `.claude/settings.json` (project). Hooks that only observe run
 * asynchronously (`async: true`), so Claude Code never waits for them. The prompt hook runs synchronously so the daemon
 * can refuse a prompt over budget; the turn's end and the session's end too, because Claude Code does not wait for
 * background hooks when it exits. With approvals on, `PermissionRequest` waits for the user's decision.
 */
import path from 'node:path';
import { APPROVAL_TIMEOUT_MARGIN, findAgent, type HooksContext } from './agentHooks.js';
import { hookCommand } from './hookCommand.js';
import { jsonHooksInstaller } from './jsonHooksInstaller.js';

const background = { async: true, timeout: 10 };
const inline = { timeout: 10 };

const OBSERVED = [
  ['SessionStart', background],
  ['UserPromptSubmit', inline],
  ['PreToolUse', background],
  ['PostToolUse', background],
  ['PostToolUseFailure', background],
  ['PermissionRequest', background],
  ['PermissionDenied', background],
  ['Notification', background],
  ['SubagentStart', background],
  ['SubagentStop', background],
  ['Stop', inline],
  ['StopFailure', inline],
  ['SessionEnd', inline],
] as const;

function entries(ctx: HooksContext, approvalWait: number | undefined) {
  return OBSERVED.map(([event, extra]) => {
    if (event === 'PermissionRequest' && approvalWait !== undefined) {
      return [event, { type: 'command', command: hookCommand(ctx, 'claude-code', { approvalWait }), timeout: approvalWait + APPROVAL_TIMEOUT_MARGIN }] as const;
    }
    return [event, { type: 'command', command: hookCommand(ctx, 'claude-code'), ...extra }] as const;
  });
}

export const claudeCodeHooks = jsonHooksInstaller({
  agent: 'claude-code',
  name: 'Claude Code',
  layout: { grouped: true, commandKey: 'command' },
  configPath: (ctx) => (ctx.scope === 'user' ? path.join(ctx.userHome, '.claude', 'settings.json') : path.join(ctx.cwd, '.claude', 'settings.json')),
  foundAt: (ctx) => findAgent(ctx, ['claude'], [path.join(ctx.userHome, '.claude')]),
  entries,
  approvals: { events: ['PermissionRequest'], how: 'PermissionRequest waits for your decision (allow, or deny with a reason the model reads)' },
});
