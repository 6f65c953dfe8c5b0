/**
 * Gemini CLI (`~/.gemini/settings.json` hooks). Every payload has `session_id`, `transcript_path`, `cwd`,
 * `hook_event_name` and `timestamp`; there are no turn or tool-call ids (hooks run one at a time, in order), so a turn
 * is named by the time its prompt was submitted and a tool call by its tool.
 */
import type { HookAdapter, HookContext, Activity } from '../../protocol/index.js';
import { UnreadablePayload } from '../../protocol/index.js';
import { SessionTurns, text } from './turns.js';

export const geminiCliAdapter: HookAdapter = {
  kind: 'gemini-cli',
  displayName: 'Gemini CLI',
  map(ctx: HookContext): Activity[] {
    const p = ctx.delivery.payload;
    const sessionId = text(p, 'session_id');
    const event = text(p, 'hook_event_name');
    if (!sessionId || !event) throw new UnreadablePayload('no session_id or hook_event_name');
    const turns = new SessionTurns(ctx, {
      kind: 'gemini-cli',
      displayName: 'Gemini CLI',
      sessionId,
      cwd: text(p, 'cwd'),
      model: modelOf(p),
      transcriptPath: text(p, 'transcript_path'),
      transcriptFormat: 'gemini-cli',
    });
    const turn = turns.currentTurn();
    const toolName = text(p, 'tool_name') ?? 'tool';
    switch (event) {
      case 'SessionStart':
        return [turns.session()];
      case 'BeforeAgent': {
        const at = Date.parse(text(p, 'timestamp') ?? ctx.delivery.at);
        return turns.prompt(turns.turnId(`t${Number.isFinite(at) ? at : Date.parse(ctx.delivery.at)}`), typeof p.prompt === 'string' ? p.prompt : '');
      }
      case 'BeforeTool':
        return turn ? [turns.session(), ...turns.toolStart(turn, toolName, p.tool_input, toolName)] : [turns.session()];
      case 'AfterTool': {
        if (!turn) return [turns.session()];
        const failure = failureOf(p.tool_response);
        return [turns.session(), ...turns.toolEnd(turn, toolName, p.tool_input, { ok: failure === undefined, error: failure, timedBy: toolName })];
      }
      case 'Notification':
        if (!turn || text(p, 'notification_type') !== 'ToolPermission') return [turns.session()];
        return [turns.session(), turns.needsInput(turn, { kind: 'permission', message: text(p, 'message') ?? 'Gemini CLI asks for permission' })];
      case 'AfterAgent':
        return turn ? [turns.session(), ...turns.done(turn, text(p, 'prompt_response'))] : [turns.session()];
      case 'SessionEnd':
        return turns.end();
      default:
        // BeforeModel, AfterModel, BeforeToolSelection, PreCompress: the session is alive.
        return [turns.session()];
    }
  },
};

function modelOf(p: Record<string, unknown>): string | undefined {
  const request = p.llm_request;
  return typeof request === 'object' && request !== null ? text(request as Record<string, unknown>, 'model') : undefined;
}

/** A tool's error, or a shell command's non-zero exit code as its output reports it. */
function failureOf(response: unknown): string | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const r = response as Record<string, unknown>;
  const error = r.error;
  if (typeof error === 'string' && error !== '') return error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  const content = typeof r.llmContent === 'string' ? r.llmContent : '';
  const exit = /Exit Code: (-?\d+)/.exec(content);
  if (exit && exit[1] !== '0') return `exit code ${exit[1]}${typeof r.returnDisplay === 'string' && r.returnDisplay ? `: ${r.returnDisplay}` : ''}`;
  return undefined;
}
