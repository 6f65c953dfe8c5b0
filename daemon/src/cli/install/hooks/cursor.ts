/**
 * Cursor: `~/.cursor/hooks.json` (user) or `.cursor/hooks.json` (project), `{ "version": 1, "hooks": { "<event>":
 * [ { "command" } ] } }`, with only the events the Cursor found here knows (cursorVersion.ts). Cursor parses a hook's
 * stdout as JSON: the forwarder answers `{}`. With approvals on, `beforeShellExecution` and `beforeMCPExecution` wait
 * for the user's decision (`timeout` in seconds, set above the wait).
 */
import path from 'node:path';
import { APPROVAL_TIMEOUT_MARGIN, findAgent, type HooksContext } from './agentHooks.js';
import { CURSOR_BASELINE, cursorEvents, detectCursorVersion } from './cursorVersion.js';
import { hookCommand } from './hookCommand.js';
import { jsonHooksInstaller } from './jsonHooksInstaller.js';

const APPROVAL_EVENTS = ['beforeShellExecution', 'beforeMCPExecution'];

function entries(ctx: HooksContext, approvalWait: number | undefined) {
  return cursorEvents(detectCursorVersion(ctx)).map((event) =>
    approvalWait !== undefined && APPROVAL_EVENTS.includes(event)
      ? ([event, { command: hookCommand(ctx, 'cursor', { approvalWait }), timeout: approvalWait + APPROVAL_TIMEOUT_MARGIN }] as const)
      : ([event, { command: hookCommand(ctx, 'cursor') }] as const),
  );
}

export const cursorHooks = jsonHooksInstaller({
  agent: 'cursor',
  name: 'Cursor',
  layout: { grouped: false, commandKey: 'command' },
  configPath: (ctx) => (ctx.scope === 'user' ? path.join(ctx.userHome, '.cursor', 'hooks.json') : path.join(ctx.cwd, '.cursor', 'hooks.json')),
  foundAt: (ctx) => findAgent(ctx, ['cursor-agent', 'cursor'], [path.join(ctx.userHome, '.cursor')]),
  entries,
  skeleton: { version: 1 },
  approvals: { events: APPROVAL_EVENTS, how: 'beforeShellExecution and beforeMCPExecution wait for your decision (allow, or deny with a message for the agent)' },
  decorate(ctx, status) {
    const version = detectCursorVersion(ctx);
    status.notes.push(
      version === undefined
        ? `Cursor's version could not be read: only the events every Cursor since ${CURSOR_BASELINE} knows are hooked`
        : `Cursor ${version}: the events it knows are hooked (a hooks file naming an unknown event is ignored whole)`,
    );
  },
});
