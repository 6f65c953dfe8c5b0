/**
 * Claude Code (`~/.claude/settings.json` hooks). Every payload has `session_id`, `transcript_path`, `cwd` and
 * `hook_event_name`; turn events carry `prompt_id`; a subagent's own tool calls carry `agent_id` / `agent_type`.
 * VS Code's agent hooks and Copilot CLI's VS Code-compatible hooks send the same shape: one mapping serves all three.
 */
import { MAX_LABEL_CHARS, MAX_TEXT_CHARS, type Approval, type ApprovalQuestion, type Task } from '../../protocol/index.js';
import type { ApprovalAsk, HookAdapter, HookContext, Activity, TranscriptFormat } from '../../protocol/index.js';
import { UnreadablePayload } from '../../protocol/index.js';
import { denialText, permissionSummary, shorten } from './text.js';
import { SessionTurns, number, text } from './turns.js';

/** Notifications that mean the user is waited for: a permission prompt, an MCP elicitation, a background session. */
const NEEDS_YOU_NOTIFICATIONS = new Set(['permission_prompt', 'elicitation_dialog', 'agent_needs_input']);

/** Tools that ask the user something: the turn waits for an answer while they run. */
const QUESTION_TOOLS = new Set(['AskUserQuestion']);
const SUBAGENT_TOOLS = new Set(['Agent', 'Task']);

/** An adapter for an agent whose hooks speak Claude Code's shape. */
export function claudeStyleAdapter(kind: string, displayName: string, transcriptFormat?: TranscriptFormat): HookAdapter {
  return { kind, displayName, map: (ctx) => mapClaudeStyle(ctx, kind, displayName, transcriptFormat), answer: claudeStyleAnswer };
}

export const claudeCodeAdapter = claudeStyleAdapter('claude-code', 'Claude Code', 'claude-code');

export function mapClaudeStyle(ctx: HookContext, kind: string, displayName: string, transcriptFormat?: TranscriptFormat): Activity[] {
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
  // A subagent's payloads belong to its subtask, created here (under whoever started it) if its start was missed.
  const sub = turn && subagentId ? subagentTask(turns, turn, subagentId, p) : undefined;
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
      const decidable = turns.waitsForDecision && QUESTION_TOOLS.has(toolName);
      if (!target) return decidable ? [turns.session(), turns.approval(undefined, askOf(toolName, p.tool_input))] : [turns.session()];
      const steps = [turns.session(), ...(sub?.steps ?? []), ...turns.toolStart(target, toolName, p.tool_input, toolUseId)];
      if (QUESTION_TOOLS.has(toolName)) {
        // A hook that waits answers the question itself (`updatedInput` with the answers): an approval.
        steps.push(decidable ? turns.approval(target, askOf(toolName, p.tool_input)) : turns.needsInput(target, { kind: 'question', message: questionOf(p.tool_input) }));
      }
      return steps;
    }
    case 'PermissionRequest':
      if (turns.waitsForDecision) return [turns.session(), ...(sub?.steps ?? []), turns.approval(target, askOf(toolName, p.tool_input))];
      if (!target) return [turns.session()];
      return [turns.session(), turns.needsInput(target, { kind: 'permission', message: permissionSummary(toolName, p.tool_input) })];
    case 'Notification': {
      const kind = text(p, 'notification_type');
      const message = text(p, 'message') ?? `${displayName} needs your attention`;
      if (!target || !NEEDS_YOU_NOTIFICATIONS.has(kind ?? '')) return [turns.session()];
      // The terminal's prompt is announced seconds after PermissionRequest said exactly what it asks ("Bash(rm -rf
      // build)"); its generic text ("Claude needs your permission") must not replace that.
      if (turns.view.task(target)?.needsInput) return [turns.session()];
      return [turns.session(), turns.needsInput(target, { kind: kind === 'permission_prompt' ? 'permission' : 'question', message })];
    }
    case 'PermissionDenied': {
      // Auto mode's classifier refused a tool call: nobody was asked, the turn goes on; the refusal is on its record.
      if (!target) return [turns.session()];
      const reason = text(p, 'reason');
      const message = `${permissionSummary(toolName, p.tool_input)} · denied by auto mode${reason ? `: ${shorten(reason, 300)}` : ''}`;
      return [turns.session(), turns.resume(target), { type: 'note', taskId: target, agentId: turns.agentId, message, level: 'warn' }];
    }
    case 'PostToolUse':
    case 'PostToolUseFailure': {
      if (!target) return [turns.session()];
      const ok = event === 'PostToolUse';
      return [
        turns.session(),
        ...(sub?.steps ?? []),
        ...turns.toolEnd(target, toolName, p.tool_input, { ok, durationMs: number(p, 'duration_ms'), error: text(p, 'error'), toolUseId }),
        ...(SUBAGENT_TOOLS.has(toolName) ? subagentCallEnd(turns, target, p) : []),
      ];
    }
    case 'SubagentStop':
      if (!sub) return [turns.session()];
      return [turns.session(), ...sub.steps, ...turns.usage(sub.taskId, text(p, 'agent_transcript_path')), ...turns.done(sub.taskId, text(p, 'last_assistant_message'))];
    case 'Stop':
      if (!target) return [turns.session()];
      return [turns.session(), ...backgroundWork(turns, target, p.background_tasks), ...turns.done(target, text(p, 'last_assistant_message'))];
    case 'StopFailure':
      return target ? [turns.session(), ...turns.failed(target, text(p, 'error') ?? text(p, 'last_assistant_message') ?? 'the turn failed')] : [turns.session()];
    case 'SessionEnd':
      return turns.end();
    default:
      // PreCompact, ConfigChange, ...: the session is alive, nothing else to record.
      return [turns.session()];
  }
}

/**
 * A Stop that lists running `background_tasks` (Claude Code 2.1.145+: shells, subagents, workflows started in the
 * background): the turn ended, but the agent is not idle. Each running task is a subtask of the turn, active until a
 * later Stop no longer lists it; a subagent is already the subtask its own payloads keep. A Stop without the field
 * (older versions) says nothing about background work.
 */
function backgroundWork(turns: SessionTurns, turn: string, listed: unknown): Activity[] {
  if (!Array.isArray(listed)) return [];
  const steps: Activity[] = [];
  const running = new Set<string>();
  for (const entry of listed) {
    if (typeof entry !== 'object' || entry === null) continue;
    const task = entry as Record<string, unknown>;
    const id = text(task, 'id');
    const status = text(task, 'status');
    if (!id || (status !== undefined && status !== 'running')) continue;
    // A background subagent is the subtask its own payloads keep (its start, its calls, its stop).
    if (task.type === 'subagent') continue;
    const what = text(task, 'description') ?? text(task, 'command') ?? text(task, 'name') ?? text(task, 'agent_type') ?? id;
    const sub = turns.subtask(turn, `bg-${id}`, shorten(`Background: ${what}`, 120), { backgroundTask: id, type: text(task, 'type') ?? 'task' });
    running.add(sub.taskId);
    steps.push(...sub.steps);
  }
  for (const task of turns.view.openTasks) {
    if (typeof task.input?.backgroundTask === 'string' && !running.has(task.id)) {
      steps.push({ type: 'turn.ended', taskId: task.id, agentId: turns.agentId });
    }
  }
  return steps;
}

function modelOf(p: Record<string, unknown>): string | undefined {
  const model = p.model;
  if (typeof model === 'string') return model;
  if (typeof model === 'object' && model !== null) return text(model as Record<string, unknown>, 'id') ?? text(model as Record<string, unknown>, 'display_name');
  return undefined;
}

/**
 * A subagent's subtask. Subagents nest (Claude Code 2.1.219+, three deep) and no payload names a subagent's parent:
 * the Agent call that started it was made by the turn or by a subagent (its PreToolUse carries the caller's
 * `agent_id`), so the parent is the task whose current step is that call still waiting for its subagent: of the
 * session's open tasks, the newest whose step is an Agent call and that runs no subagent yet (not only the payload's
 * turn's: a subagent's payloads carry the session's current `prompt_id`, which moves on while it runs in the
 * background). Its title is what that call asked. Hooks run in the background reach the daemon in any order, and a
 * SubagentStart often overtakes the call that made it: with no call waiting, the start makes no subtask (undefined);
 * the subagent's next payload, a model round trip later, does (or the call itself, when it returns at once for a
 * subagent in the background: subagentCallEnd); with none waiting then either, it is the turn's, named by its type.
 */
function subagentTask(turns: SessionTurns, turn: string, subagentId: string, p: Record<string, unknown>): { taskId: string; steps: Activity[] } | undefined {
  const taskId = turns.subtaskId(subagentId);
  if (turns.view.hasTask(taskId)) return { taskId, steps: [] };
  const input = { agentType: text(p, 'agent_type') ?? '' };
  const caller = turns.view.openTasks.filter((task) => agentCallOf(task) !== undefined && !runsSubagent(turns, task.id)).at(-1);
  if (!caller && p.hook_event_name === 'SubagentStart') return undefined;
  const title = (caller && agentCallOf(caller)) ?? `Subagent ${input.agentType}`.trim();
  return turns.subtask(caller?.id ?? turn, subagentId, title, input);
}

/** What the task's current step asked the Agent (or older Task) tool, if that is its step. */
function agentCallOf(task: Task): string | undefined {
  return /^(?:Agent|Task): (.+)$/.exec(task.step)?.[1];
}

/** Whether a subagent subtask of this task is still running. */
function runsSubagent(turns: SessionTurns, taskId: string): boolean {
  return turns.view.openTasks.some((task) => task.parentId === taskId && 'agentType' in task.input);
}

/**
 * An Agent call returns. Run in the foreground, its subagent is over: its subtask is done if its own stop was missed.
 * Started in the background (Claude Code 2.1.232+ by default: `status: "async_launched"`), it has only begun; the
 * call names the subagent it started, which makes it the caller's subtask if its start has not already.
 */
function subagentCallEnd(turns: SessionTurns, caller: string, p: Record<string, unknown>): Activity[] {
  const response = p.tool_response;
  if (typeof response !== 'object' || response === null) return [];
  const fields = response as Record<string, unknown>;
  const agentId = text(fields, 'agentId');
  if (!agentId) return [];
  const taskId = turns.subtaskId(agentId);
  if (fields.status === 'async_launched' || fields.isAsync === true) {
    const input = (typeof p.tool_input === 'object' && p.tool_input !== null ? p.tool_input : {}) as Record<string, unknown>;
    const title = text(fields, 'description') ?? text(input, 'description') ?? 'Subagent';
    return turns.subtask(caller, agentId, title, { agentType: text(input, 'subagent_type') ?? '' }).steps;
  }
  const task = turns.view.task(taskId);
  if (!task || task.completedAt) return [];
  const content = fields.content;
  const parts = Array.isArray(content) ? content.map((part) => (part as { text?: unknown }).text).filter((t): t is string => typeof t === 'string') : [];
  // Claude Code 2.1.332 puts a part of its own before the subagent's answer (`<tools-used-before-summary>Bash</...>`).
  const answer = parts.filter((t) => !HARNESS_PART.test(t));
  return turns.done(taskId, answer.length > 0 ? answer.join('\n') : undefined);
}

/** A tool result part the agent adds for the model, not written by the subagent. */
const HARNESS_PART = /^\s*<tools-used-before-summary>[^<]*<\/tools-used-before-summary>\s*$/;

function questionOf(input: unknown): string {
  const questions = (input as { questions?: unknown } | null)?.questions;
  if (Array.isArray(questions)) {
    const asked = questions.map((q) => (q as { question?: unknown }).question).filter((q): q is string => typeof q === 'string');
    if (asked.length > 0) return asked.join(' / ');
  }
  return 'the agent asks a question';
}

/** What a permission request or a question asks, as an approval records it. */
function askOf(toolName: string, input: unknown): ApprovalAsk {
  const fields = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  if (QUESTION_TOOLS.has(toolName)) {
    return { kind: 'question', tool: toolName, summary: questionOf(input), input: fields, questions: questionsOf(input) };
  }
  return { kind: 'permission', tool: toolName, summary: permissionSummary(toolName, input), input: fields };
}

/** `AskUserQuestion`'s questions and their options, bounded; anything malformed is left out. */
function questionsOf(input: unknown): ApprovalQuestion[] {
  const questions = (input as { questions?: unknown } | null)?.questions;
  if (!Array.isArray(questions)) return [];
  const out: ApprovalQuestion[] = [];
  for (const q of questions.slice(0, 20)) {
    const entry = (q ?? {}) as Record<string, unknown>;
    if (typeof entry.question !== 'string') continue;
    const options = Array.isArray(entry.options) ? entry.options.slice(0, 50) : [];
    out.push({
      question: shorten(entry.question, MAX_TEXT_CHARS),
      ...(typeof entry.header === 'string' ? { header: shorten(entry.header, MAX_LABEL_CHARS) } : {}),
      ...(typeof entry.multiSelect === 'boolean' ? { multiSelect: entry.multiSelect } : {}),
      options: options.flatMap((o) => {
        const option = (o ?? {}) as Record<string, unknown>;
        if (typeof option.label !== 'string') return [];
        const description = typeof option.description === 'string' ? { description: shorten(option.description, MAX_TEXT_CHARS) } : {};
        return [{ label: shorten(option.label, MAX_LABEL_CHARS), ...description }];
      }),
    });
  }
  return out;
}

/**
 * The decision as Claude Code reads it from a hook's stdout. `PermissionRequest`: `decision.behavior` allow or deny
 * (with the `message` the model reads); a question answered there carries the answers in `updatedInput`. `PreToolUse`
 * (how `AskUserQuestion` is answered): `permissionDecision` with the answers in `updatedInput`, or deny with its reason.
 */
export function claudeStyleAnswer(approval: Approval, payload: Record<string, unknown>): Record<string, unknown> | undefined {
  if (approval.state !== 'allowed' && approval.state !== 'denied') return undefined;
  const allowed = approval.state === 'allowed';
  const input = typeof payload.tool_input === 'object' && payload.tool_input !== null ? (payload.tool_input as Record<string, unknown>) : {};
  const updatedInput = approval.answers ? { ...input, answers: approval.answers } : undefined;
  if (payload.hook_event_name === 'PreToolUse') {
    const hookSpecificOutput: Record<string, unknown> = { hookEventName: 'PreToolUse', permissionDecision: allowed ? 'allow' : 'deny' };
    if (allowed && updatedInput) hookSpecificOutput.updatedInput = updatedInput;
    if (!allowed) hookSpecificOutput.permissionDecisionReason = denialText(approval.reason);
    return { hookSpecificOutput };
  }
  const decision: Record<string, unknown> = allowed
    ? { behavior: 'allow', ...(updatedInput ? { updatedInput } : {}) }
    : { behavior: 'deny', message: denialText(approval.reason) };
  return { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision } };
}
