/**
 * GitHub Copilot CLI (`~/.copilot/hooks/*.json`). Its camelCase hooks (`sessionStart`, `userPromptSubmitted`,
 * `preToolUse`, `postToolUse`, `postToolUseFailure`, `agentStop`, `subagentStop`, `errorOccurred`, `sessionEnd`) send
 * `sessionId` (older versions none: the CLI's pid names the session), `timestamp` (ms) and `cwd` but not the event's
 * name, so the event is told by the fields it carries: `toolResult` (after a tool), `toolName` with an `error` (a
 * failed tool), `toolName` (before), `prompt`, `source` (start), `error`, `reason` (end), none of those (the agent
 * stopped). Its VS Code-compatible PascalCase hooks carry `hook_event_name` and Claude Code's fields.
 */
import type { Approval } from '../../protocol/index.js';
import type { HookAdapter, HookContext, Activity } from '../../protocol/index.js';
import { UnreadablePayload } from '../../protocol/index.js';
import { claudeStyleAnswer, mapClaudeStyle } from './claudeCode.js';
import { denialText, permissionSummary } from './text.js';
import { SessionTurns, number, text } from './turns.js';

const KIND = 'copilot-cli';
const NAME = 'Copilot CLI';

export const copilotCliAdapter: HookAdapter = {
  kind: KIND,
  displayName: NAME,
  map(ctx: HookContext): Activity[] {
    const p = ctx.delivery.payload;
    if (typeof p.hook_event_name === 'string') {
      // The camelCase `notification` hook names its event as the PascalCase hooks do, its session as the camelCase ones.
      const named = text(p, 'session_id') === undefined && text(p, 'sessionId') !== undefined;
      return mapClaudeStyle(named ? { ...ctx, delivery: { ...ctx.delivery, payload: { ...p, session_id: p.sessionId } } } : ctx, KIND, NAME);
    }
    const sessionId = text(p, 'sessionId') ?? (ctx.delivery.pid === undefined ? undefined : `pid-${ctx.delivery.pid}`);
    if (!sessionId) throw new UnreadablePayload('no sessionId (nor the process id of the CLI)');
    const turns = new SessionTurns(ctx, { kind: KIND, displayName: NAME, sessionId, cwd: text(p, 'cwd') });
    const turn = turns.currentTurn();
    const session = turns.session();
    const on = (build: (taskId: string) => Activity[]): Activity[] => (turn ? [session, ...build(turn)] : [session]);
    const toolName = text(p, 'toolName') ?? 'tool';
    const args = parseArgs(p.toolArgs);
    if (typeof p.error === 'string' && 'toolName' in p) {
      // postToolUseFailure: the call and its error, no toolResult.
      return on((t) => turns.toolEnd(t, toolName, args, { ok: false, error: text(p, 'error'), timedBy: toolName }));
    }
    if ('toolResult' in p) {
      const result = (typeof p.toolResult === 'object' && p.toolResult !== null ? p.toolResult : {}) as Record<string, unknown>;
      const type = text(result, 'resultType');
      const ok = type === undefined ? undefined : type === 'success';
      const error = ok === false ? `${type}${text(result, 'textResultForLlm') ? `: ${text(result, 'textResultForLlm')}` : ''}` : undefined;
      return on((t) => turns.toolEnd(t, toolName, args, { ok, error, timedBy: toolName }));
    }
    if ('toolName' in p) {
      const steps = on((t) => turns.toolStart(t, toolName, args, toolName));
      if (!turns.waitsForDecision) return steps;
      const input = typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : { args };
      return [...steps, turns.approval(turn, { kind: 'permission', tool: toolName, summary: permissionSummary(toolName, args), input })];
    }
    if (typeof p.prompt === 'string') {
      const at = number(p, 'timestamp') ?? Date.parse(ctx.delivery.at);
      return turns.prompt(turns.turnId(`t${at}`), p.prompt);
    }
    if ('source' in p) {
      const initial = text(p, 'initialPrompt');
      return initial ? turns.prompt(turns.turnId(`t${number(p, 'timestamp') ?? Date.parse(ctx.delivery.at)}`), initial) : [session];
    }
    if ('error' in p) {
      const error = p.error as { message?: unknown } | string | null;
      const message = typeof error === 'string' ? error : typeof error?.message === 'string' ? error.message : 'the agent hit an error';
      return on((t) => [{ type: 'note', taskId: t, agentId: turns.agentId, message: `Error: ${message}`, level: 'error' }]);
    }
    if ('reason' in p) return turns.end();
    if ('agentName' in p || 'subagentName' in p) return [session];
    return on((t) => turns.done(t, text(p, 'lastAssistantMessage')));
  },
  answer: copilotAnswer,
};

/**
 * Copilot CLI's `preToolUse` output: `permissionDecision` allow or deny, with `permissionDecisionReason`; its VS
 * Code-compatible PascalCase hooks read Claude Code's shape.
 */
function copilotAnswer(approval: Approval, payload: Record<string, unknown>): Record<string, unknown> | undefined {
  if (typeof payload.hook_event_name === 'string') return claudeStyleAnswer(approval, payload);
  if (approval.state === 'allowed') return { permissionDecision: 'allow' };
  if (approval.state !== 'denied') return undefined;
  return { permissionDecision: 'deny', permissionDecisionReason: denialText(approval.reason) };
}

/** Tool arguments arrive as a JSON string. */
function parseArgs(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}
