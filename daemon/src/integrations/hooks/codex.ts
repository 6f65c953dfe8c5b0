/**
 * Codex (`$CODEX_HOME/hooks.json`, same shape as Claude Code's) and its `notify` program, whose payload
 * (`{ type: "agent-turn-complete", "thread-id", "turn-id", cwd, "last-assistant-message" }`) the forwarder passes on as
 * it is. Hook payloads carry `session_id` (the thread id), `turn_id`, `transcript_path`, `cwd`, `model`. A tool's
 * `tool_response` is its output text only: how the call went is not known.
 */
import type { Approval } from '../../protocol/index.js';
import type { HookAdapter, HookContext, Activity } from '../../protocol/index.js';
import { UnreadablePayload } from '../../protocol/index.js';
import { denialText } from './text.js';
import { SessionTurns, text } from './turns.js';

export const codexAdapter: HookAdapter = {
  kind: 'codex',
  displayName: 'Codex',
  map(ctx: HookContext): Activity[] {
    const p = ctx.delivery.payload;
    if (p.type === 'agent-turn-complete') return notifyTurnComplete(ctx, p);
    const sessionId = text(p, 'session_id');
    const event = text(p, 'hook_event_name');
    if (!sessionId || !event) throw new UnreadablePayload('no session_id or hook_event_name (nor a notify type)');
    const turns = new SessionTurns(ctx, {
      kind: 'codex',
      displayName: 'Codex',
      sessionId,
      cwd: text(p, 'cwd'),
      model: text(p, 'model'),
      transcriptPath: text(p, 'transcript_path'),
      transcriptFormat: 'codex',
    });
    const turnId = text(p, 'turn_id');
    const turn = turnId ? turns.turnId(turnId) : turns.currentTurn();
    const toolName = text(p, 'tool_name') ?? 'tool';
    const toolUseId = text(p, 'tool_use_id');
    switch (event) {
      case 'SessionStart':
        return [turns.session()];
      case 'UserPromptSubmit':
        return turns.prompt(turns.turnId(turnId ?? `t${Date.parse(ctx.delivery.at)}`), typeof p.prompt === 'string' ? p.prompt : '');
      case 'PreToolUse':
        return turn ? [turns.session(), ...turns.toolStart(turn, toolName, p.tool_input, toolUseId)] : [turns.session()];
      case 'PermissionRequest': {
        const summary = `${toolName}(${commandOf(p.tool_input)})`;
        if (turns.waitsForDecision) return [turns.session(), turns.approval(turn, { kind: 'permission', tool: toolName, summary, input: objectOf(p.tool_input) })];
        // Codex asks its hooks before its own auto-review, which may allow the call without asking anyone: not yet a
        // "needs you" (openai/codex#28833). The request is on the turn's record.
        if (!turn) return [turns.session()];
        return [turns.session(), { type: 'note', taskId: turn, agentId: turns.agentId, message: `permission requested: ${summary}`, level: 'info' }];
      }
      case 'PostToolUse':
        return turn ? [turns.session(), ...turns.toolEnd(turn, toolName, p.tool_input, { toolUseId })] : [turns.session()];
      case 'Stop':
        return turn ? [turns.session(), ...turns.done(turn, text(p, 'last_assistant_message'))] : [turns.session()];
      case 'SessionEnd':
        return turns.end();
      default:
        return [turns.session()];
    }
  },
  answer: codexAnswer,
};

/**
 * Codex's `PermissionRequest` output: `decision.behavior` allow or deny, a denial's `message` shown to the model. (It
 * fails closed on the fields it reserves, `updatedInput` and `updatedPermissions`: never sent.)
 */
function codexAnswer(approval: Approval): Record<string, unknown> | undefined {
  if (approval.state !== 'allowed' && approval.state !== 'denied') return undefined;
  const decision = approval.state === 'allowed' ? { behavior: 'allow' } : { behavior: 'deny', message: denialText(approval.reason) };
  return { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision } };
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `notify` says a turn completed: the same as its Stop hook (whichever comes first ends the turn; the other finds it done). */
function notifyTurnComplete(ctx: HookContext, p: Record<string, unknown>): Activity[] {
  const sessionId = text(p, 'thread-id');
  const turnId = text(p, 'turn-id');
  if (!sessionId || !turnId) throw new UnreadablePayload('a notify payload without thread-id or turn-id');
  const turns = new SessionTurns(ctx, { kind: 'codex', displayName: 'Codex', sessionId, cwd: text(p, 'cwd') });
  const taskId = turns.turnId(turnId);
  const steps: Activity[] = [turns.session()];
  // With hooks off, notify is all there is: the turn appears when it completes.
  if (!turns.view.hasTask(taskId)) {
    const inputs = Array.isArray(p['input-messages']) ? p['input-messages'].filter((m): m is string => typeof m === 'string') : [];
    steps.push(...turns.prompt(taskId, inputs.join('\n')).slice(1));
  }
  steps.push(...turns.done(taskId, text(p, 'last-assistant-message')));
  return steps;
}

function commandOf(input: unknown): string {
  const command = (input as { command?: unknown } | null)?.command;
  return typeof command === 'string' ? command : Array.isArray(command) ? command.join(' ') : '';
}
