/**
 * Claude Code (`~/.claude/settings.json` hooks). Every payload has `session_id`, `transcript_path`, `cwd` and
 * `hook_event_name`; turn events carry `prompt_id`; a subagent's own tool calls carry `agent_id` / `agent_type`.
 * VS Code's agent hooks and Copilot CLI's VS Code-compatible hooks send the same shape: one mapping serves all three.
 */
import type { HookAdapter, HookContext, HookStep, TranscriptFormat } from './adapter.js';
import { UnreadablePayload } from './adapter.js';
import { SessionTurns, number, text } from './turns.js';

/** Tools that ask the user something: the turn waits for an answer while they run. */
const QUESTION_TOOLS = new Set(['AskUserQuestion']);
const SUBAGENT_TOOLS = new Set(['Agent', 'Task']);

/** An adapter for an agent whose hooks speak Claude Code's shape. */
export function claudeStyleAdapter(kind: string, displayName: string, transcriptFormat?: TranscriptFormat): HookAdapter {
  return { kind, displayName, map: (ctx) => mapClaudeStyle(ctx, kind, displayName, transcriptFormat) };
}

export const claudeCodeAdapter = claudeStyleAdapter('claude-code', 'Claude Code', 'claude-code');

export function mapClaudeStyle(ctx: HookContext, kind: string, displayName: string, transcriptFormat?: TranscriptFormat): HookStep[] {
  const p = ctx.delivery.payload;
  const sessionId = text(p, 'session_id');
  const event = text(p, 'hook_event_name');
  if (!sessionId || !event) throw new UnreadablePayload('no session_id or hook_event_name');
  const turns = new SessionTurns(ctx, {
    kind,
    displayName,
    sessionId,
    cwd: text(p, 'cwd'),
    model: modelOf(p),
    transcriptPath: transcriptFormat ? text(p, 'transcript_path') : undefined,
    transcriptFormat,
  });
  const promptId = text(p, 'prompt_id');
  const turn = promptId ? turns.turnId(promptId) : turns.currentTurn();
  const subagentId = text(p, 'agent_id');
  // A subagent's payloads belong to its subtask, created here if its start was missed.
  const sub = turn && subagentId ? turns.subtask(turn, subagentId, subagentTitle(turns, turn, p), { agentType: text(p, 'agent_type') ?? '' }) : undefined;
  const target = sub?.taskId ?? turn;
  const toolName = text(p, 'tool_name') ?? 'tool';
  const toolUseId = text(p, 'tool_use_id');

  switch (event) {
    case 'SessionStart':
      return [turns.session()];
    case 'UserPromptSubmit': {
      const prompt = typeof p.prompt === 'string' ? p.prompt : '';
      const taskId = turns.turnId(promptId ?? `t${Date.parse(ctx.delivery.at)}`);
      return turns.prompt(taskId, prompt, p.permission_mode ? { permissionMode: p.permission_mode } : {});
    }
    case 'SubagentStart':
      return sub ? [turns.session(), ...sub.steps] : [turns.session()];
    case 'PreToolUse': {
      if (!target) return [turns.session()];
      const steps = [turns.session(), ...(sub?.steps ?? []), ...turns.toolStart(target, toolName, p.tool_input, toolUseId)];
      if (QUESTION_TOOLS.has(toolName)) steps.push(turns.needsInput(target, { kind: 'question', message: questionOf(p.tool_input) }));
      return steps;
    }
    case 'PermissionRequest':
      if (!target) return [turns.session()];
      return [turns.session(), turns.needsInput(target, { kind: 'permission', message: permissionOf(toolName, p.tool_input) })];
    case 'Notification': {
      const kind = text(p, 'notification_type');
      const message = text(p, 'message') ?? `${displayName} needs your attention`;
      if (!target || (kind !== 'permission_prompt' && kind !== 'elicitation_dialog')) return [turns.session()];
      return [turns.session(), turns.needsInput(target, { kind: kind === 'permission_prompt' ? 'permission' : 'question', message })];
    }
    case 'PostToolUse':
    case 'PostToolUseFailure': {
      if (!target) return [turns.session()];
      const ok = event === 'PostToolUse';
      return [
        turns.session(),
        ...(sub?.steps ?? []),
        ...turns.toolEnd(target, toolName, p.tool_input, { ok, durationMs: number(p, 'duration_ms'), error: text(p, 'error'), toolUseId }),
        ...(SUBAGENT_TOOLS.has(toolName) ? subagentDone(turns, p) : []),
      ];
    }
    case 'SubagentStop':
      if (!sub) return [turns.session()];
      return [turns.session(), ...sub.steps, ...turns.usage(sub.taskId, text(p, 'agent_transcript_path')), ...turns.done(sub.taskId, text(p, 'last_assistant_message'))];
    case 'Stop':
      return target ? [turns.session(), ...turns.done(target, text(p, 'last_assistant_message'))] : [turns.session()];
    case 'StopFailure':
      return target ? [turns.session(), ...turns.failed(target, text(p, 'error') ?? text(p, 'last_assistant_message') ?? 'the turn failed')] : [turns.session()];
    case 'SessionEnd':
      return turns.end();
    default:
      // PreCompact, ConfigChange, ...: the session is alive, nothing else to record.
      return [turns.session()];
  }
}

function modelOf(p: Record<string, unknown>): string | undefined {
  const model = p.model;
  if (typeof model === 'string') return model;
  if (typeof model === 'object' && model !== null) return text(model as Record<string, unknown>, 'id') ?? text(model as Record<string, unknown>, 'display_name');
  return undefined;
}

/** The subtask's title: what the Agent tool was asked (the turn's current step), else the subagent's type. */
function subagentTitle(turns: SessionTurns, turn: string, p: Record<string, unknown>): string {
  const step = turns.view.task(turn)?.step ?? '';
  const asked = /^(?:Agent|Task): (.+)$/.exec(step)?.[1];
  return asked ?? `Subagent ${text(p, 'agent_type') ?? ''}`.trim();
}

/** A subagent run in the foreground ends with its tool call: its subtask is done if its own stop was missed. */
function subagentDone(turns: SessionTurns, p: Record<string, unknown>): HookStep[] {
  const response = p.tool_response;
  if (typeof response !== 'object' || response === null) return [];
  const agentId = text(response as Record<string, unknown>, 'agentId');
  if (!agentId) return [];
  const taskId = turns.subtaskId(agentId);
  const task = turns.view.task(taskId);
  if (!task || task.completedAt) return [];
  const content = (response as { content?: unknown }).content;
  const message = Array.isArray(content) ? content.map((part) => (part as { text?: unknown }).text).filter((t) => typeof t === 'string').join('\n') : undefined;
  return turns.done(taskId, message);
}

function questionOf(input: unknown): string {
  const questions = (input as { questions?: unknown } | null)?.questions;
  if (Array.isArray(questions)) {
    const asked = questions.map((q) => (q as { question?: unknown }).question).filter((q): q is string => typeof q === 'string');
    if (asked.length > 0) return asked.join(' / ');
  }
  return 'the agent asks a question';
}

/** `Bash(rm -rf build)`: the tool and what it would do, as Claude Code shows it in its permission prompt. */
function permissionOf(toolName: string, input: unknown): string {
  const fields = (input ?? {}) as Record<string, unknown>;
  const subject = ['command', 'file_path', 'path', 'url', 'pattern'].map((k) => fields[k]).find((v) => typeof v === 'string');
  return typeof subject === 'string' ? `${toolName}(${subject})` : toolName;
}
