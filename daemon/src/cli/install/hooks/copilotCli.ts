/**
 * GitHub Copilot CLI: reads every `*.json` in `$COPILOT_HOME/hooks/` (user; COPILOT_HOME defaults to ~/.copilot) or
 * `.github/hooks/` (project), each `{ "version": 1, "hooks": { "<event>": [ { "type": "command", "bash",
 * "powershell", "timeoutSec" } ] } }`. Ours is a file of its own, `agent-tracker.json`, so the user's files are never touched; it
 * goes when nothing of the user's is left in it. With approvals on, `preToolUse` waits for the user's decision.
 */
import path from 'node:path';
import { APPROVAL_TIMEOUT_MARGIN, findAgent, onWindows, type HooksContext } from './agentHooks.js';
import { hookCommand } from './hookCommand.js';
import { jsonHooksInstaller } from './jsonHooksInstaller.js';

/** Every event the adapter reads: a failed call ends as failed, and a permission prompt is a "needs you". */
const EVENTS = [
  'sessionStart',
  'userPromptSubmitted',
  'preToolUse',
  'postToolUse',
  'postToolUseFailure',
  'notification',
  'agentStop',
  'subagentStop',
  'errorOccurred',
  'sessionEnd',
] as const;

function copilotHome(ctx: HooksContext): string {
  return ctx.env['COPILOT_HOME'] ?? path.join(ctx.userHome, '.copilot');
}

/**
 * Copilot CLI runs `bash` elsewhere and `powershell` on Windows. On Windows both name the .cmd launcher: `bash` as Git
 * Bash runs it, `powershell` through the call operator.
 */
function commands(ctx: HooksContext, approvalWait: number | undefined): { bash: string; powershell?: string } {
  const bash = hookCommand(ctx, 'copilot-cli', { approvalWait });
  if (!onWindows(ctx)) return { bash };
  return { bash, powershell: hookCommand(ctx, 'copilot-cli', { approvalWait, shell: 'powershell' }) };
}

function entries(ctx: HooksContext, approvalWait: number | undefined) {
  return EVENTS.map((event) =>
    approvalWait !== undefined && event === 'preToolUse'
      ? ([event, { type: 'command', ...commands(ctx, approvalWait), timeoutSec: approvalWait + APPROVAL_TIMEOUT_MARGIN }] as const)
      : ([event, { type: 'command', ...commands(ctx, undefined), timeoutSec: 10 }] as const),
  );
}

export const copilotCliHooks = jsonHooksInstaller({
  agent: 'copilot-cli',
  name: 'Copilot CLI',
  layout: { grouped: false, commandKey: 'bash' },
  configPath: (ctx) => (ctx.scope === 'user' ? path.join(copilotHome(ctx), 'hooks', 'agent-tracker.json') : path.join(ctx.cwd, '.github', 'hooks', 'agent-tracker.json')),
  foundAt: (ctx) => findAgent(ctx, ['copilot'], [copilotHome(ctx)]),
  entries,
  skeleton: { version: 1 },
  ownFile: true,
  approvals: { events: ['preToolUse'], how: 'preToolUse waits for your decision (allow, or deny with a reason the model reads)' },
});
