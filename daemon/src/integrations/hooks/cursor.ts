/**
 * Cursor (`~/.cursor/hooks.json`). Every payload has `conversation_id` (the session), `generation_id` (the turn of
 * one prompt), `hook_event_name` and `workspace_roots`, often `model`. Shell and MCP calls come as before/after pairs
 * with the agent's own `duration`; file edits only after the fact; `stop` says how the turn ended
 * (`completed`, `aborted`, `error`).
 */
import type { Approval } from '../../protocol/index.js';
import type { HookAdapter, HookContext, Activity } from '../../protocol/index.js';
import { UnreadablePayload } from '../../protocol/index.js';
import { denialText } from './text.js';
import { SessionTurns, number, text } from './turns.js';

export const cursorAdapter: HookAdapter = {
  kind: 'cursor',
  displayName: 'Cursor',
  map(ctx: HookContext): Activity[] {
    const p = ctx.delivery.payload;
    const sessionId = text(p, 'conversation_id') ?? text(p, 'session_id');
    const event = text(p, 'hook_event_name');
    if (!sessionId || !event) throw new UnreadablePayload('no conversation_id or hook_event_name');
    const roots = Array.isArray(p.workspace_roots) ? p.workspace_roots.filter((r): r is string => typeof r === 'string') : [];
    const turns = new SessionTurns(ctx, { kind: 'cursor', displayName: 'Cursor', sessionId, cwd: roots[0] ?? text(p, 'cwd'), model: text(p, 'model') });
    const generation = text(p, 'generation_id');
    const turn = generation && turns.view.hasTask(turns.turnId(generation)) ? turns.turnId(generation) : turns.currentTurn();
    const session = turns.session();
    const on = (build: (taskId: string) => Activity[]): Activity[] => (turn ? [session, ...build(turn)] : [session]);
    switch (event) {
      case 'beforeSubmitPrompt':
        return turns.prompt(turns.turnId(generation ?? `t${Date.parse(ctx.delivery.at)}`), text(p, 'prompt') ?? '');
      case 'beforeShellExecution': {
        const command = text(p, 'command') ?? '';
        const steps = on((t) => turns.toolStart(t, 'Shell', { command }));
        if (!turns.waitsForDecision) return steps;
        return [...steps, turns.approval(turn, { kind: 'permission', tool: 'Shell', summary: `Shell(${command})`, input: { command, ...(text(p, 'cwd') ? { cwd: text(p, 'cwd') } : {}) } })];
      }
      case 'afterShellExecution': {
        const exit = number(p, 'exit_code');
        return on((t) => turns.toolEnd(t, 'Shell', { command: text(p, 'command') }, { ok: exit === undefined ? undefined : exit === 0, durationMs: number(p, 'duration') }));
      }
      case 'beforeMCPExecution': {
        const tool = `MCP ${text(p, 'tool_name') ?? 'tool'}`;
        const steps = on((t) => turns.toolStart(t, tool, mcpInput(p.tool_input)));
        if (!turns.waitsForDecision) return steps;
        const input = mcpInput(p.tool_input);
        const fields = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : { input };
        return [...steps, turns.approval(turn, { kind: 'permission', tool, summary: tool, input: fields })];
      }
      case 'afterMCPExecution':
        return on((t) => turns.toolEnd(t, `MCP ${text(p, 'tool_name') ?? 'tool'}`, mcpInput(p.tool_input), { durationMs: number(p, 'duration') }));
      case 'afterFileEdit':
        return on((t) => turns.toolEnd(t, 'Edit', { file_path: text(p, 'file_path') }, { ok: true }));
      case 'stop': {
        const status = text(p, 'status');
        if (status === 'aborted') return on((t) => [{ type: 'turn.interrupted', taskId: t, agentId: turns.agentId, reason: 'stopped by the user' }]);
        if (status === 'error') return on((t) => turns.failed(t, 'the agent stopped with an error'));
        return on((t) => turns.done(t, undefined));
      }
      case 'sessionEnd':
        return turns.end();
      default:
        // sessionStart, afterAgentResponse, afterAgentThought, beforeReadFile, ...: the session is alive.
        return [session];
    }
  },
  answer: cursorAnswer,
};

/**
 * Cursor's answer to `beforeShellExecution` / `beforeMCPExecution`: `permission` allow or deny, with the message shown
 * to the user and the one the agent reads. Cursor documented these as `userMessage` / `agentMessage` and later as
 * `user_message` / `agent_message`: both spellings are sent, so every version reads the reason.
 */
function cursorAnswer(approval: Approval): Record<string, unknown> | undefined {
  if (approval.state === 'allowed') return { permission: 'allow' };
  if (approval.state !== 'denied') return undefined;
  const reason = denialText(approval.reason);
  const userMessage = `Denied in Agent Tracker: ${reason}`;
  return { permission: 'deny', user_message: userMessage, agent_message: reason, userMessage, agentMessage: reason };
}

/** MCP tool input arrives as a JSON string. */
function mcpInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}
