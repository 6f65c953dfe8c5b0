/**
 * The one lifecycle every agent adapter maps its hooks onto, in the activity vocabulary: session seen, prompt -> turn,
 * tool call started / ended, waiting -> input needed, turn ended / failed / interrupted, session ended. An adapter
 * only says which of its events is which; the activities and their ids are built here once (the engine's applier
 * holds the rules for late or repeated payloads).
 */
import { MAX_LABEL_CHARS, MAX_TEXT_CHARS } from '../../protocol/index.js';
import type { Activity, AgentMeta, ApprovalAsk, HookContext, NeedsInputRequestInput, SessionView, TranscriptFormat } from '../../protocol/index.js';
import { requestKey } from '../usage/requestKey.js';
import { changedFiles, plainPath } from './changedFiles.js';
import { agentName, idFrom, outcomeText, shorten, titleOf, toolStep } from './text.js';

/** A result's message is kept to this many characters: enough to read, not the agent's whole answer. */
const RESULT_CHARS = 2000;

export interface SessionIdentity {
  kind: string;
  displayName: string;
  sessionId: string;
  cwd?: string;
  model?: string;
  transcriptPath?: string;
  transcriptFormat?: TranscriptFormat;
}

export class SessionTurns {
  readonly agentId: string;
  readonly view: SessionView;

  constructor(
    private readonly ctx: HookContext,
    private readonly who: SessionIdentity,
  ) {
    this.agentId = idFrom(who.kind, who.sessionId);
    this.view = ctx.session(this.agentId);
  }

  /** The agent of the session, registered or refreshed (name, meta), and seen. */
  session(): Activity {
    const meta: AgentMeta = { kind: this.who.kind, host: this.ctx.host, sessionId: this.who.sessionId };
    if (this.ctx.delivery.pid !== undefined) meta.pid = this.ctx.delivery.pid;
    if (this.ctx.delivery.tmux) Object.assign(meta, this.ctx.delivery.tmux);
    if (this.who.cwd) meta.cwd = this.who.cwd;
    if (this.who.model) meta.model = this.who.model;
    return { type: 'session.seen', agentId: this.agentId, name: agentName(this.who.displayName, this.who.cwd), meta, firsthand: true };
  }

  turnId(agentTurnId: string): string {
    return idFrom(this.who.kind, this.who.sessionId, agentTurnId);
  }

  /** The turn a payload without a turn id belongs to: the session's newest open top-level task. */
  currentTurn(): string | undefined {
    const open = this.view.openTasks.filter((task) => task.parentId === null || !this.view.openTasks.some((t) => t.id === task.parentId));
    return open.at(-1)?.id;
  }

  /** A new prompt: the previous turn still open was interrupted; the new one starts active. */
  prompt(taskId: string, prompt: string, extra: Record<string, unknown> = {}): Activity[] {
    if (this.view.hasTask(taskId)) return [this.session()];
    const steps: Activity[] = [this.session()];
    for (const task of this.view.openTasks) {
      if (task.parentId !== null) continue;
      steps.push({ type: 'turn.interrupted', taskId: task.id, agentId: this.agentId, reason: 'interrupted by a new prompt' });
    }
    steps.push({
      type: 'turn.started',
      taskId,
      agentId: this.agentId,
      title: titleOf(prompt, `${this.who.displayName} turn`),
      // The transcript is where the whole turn can be read: the task page links to it.
      input: { prompt: shorten(prompt, MAX_TEXT_CHARS), ...transcriptOf(this.who.transcriptPath), ...extra },
      source: this.who.kind,
    });
    return steps;
  }

  /** A subagent's work: a subtask of the turn that started it. */
  subtaskId(subagentId: string): string {
    return idFrom(this.who.kind, this.who.sessionId, subagentId);
  }

  subtask(parentId: string, subagentId: string, title: string, input: Record<string, unknown>): { taskId: string; steps: Activity[] } {
    const taskId = this.subtaskId(subagentId);
    if (this.view.hasTask(taskId)) return { taskId, steps: [] };
    return {
      taskId,
      steps: [{ type: 'turn.started', taskId, agentId: this.agentId, title, input, source: this.who.kind, parentId }],
    };
  }

  toolStart(taskId: string, toolName: string, toolInput: unknown, toolUseId?: string): Activity[] {
    const step = toolStep(toolName, toolInput, this.who.cwd);
    return [{ type: 'tool.started', taskId, agentId: this.agentId, step, at: Date.parse(this.ctx.delivery.at), ...(toolUseId ? { toolUseId } : {}) }];
  }

  /**
   * A finished tool call, logged with its outcome and duration (the agent's own, else measured from its start).
   * `ok` undefined: the agent does not say how the call went (Codex gives only its output). `toolUseId` is the call's
   * own id (unique in the session: the call counts once under it); an agent without one pairs the call with its start
   * by `timedBy` (the tool's name), which names no call.
   */
  toolEnd(taskId: string, toolName: string, toolInput: unknown, outcome: { ok?: boolean; durationMs?: number; error?: string; toolUseId?: string; timedBy?: string }): Activity[] {
    let durationMs = outcome.durationMs;
    const startedAs = outcome.toolUseId ?? outcome.timedBy;
    if (durationMs === undefined && startedAs) {
      const started = this.view.toolStartedAt(startedAs);
      if (started !== undefined) durationMs = Date.parse(this.ctx.delivery.at) - started;
    }
    const error = outcome.error ? `: ${shorten(outcome.error.replace(/\s+/g, ' ').trim(), 300)}` : '';
    const message = `${toolStep(toolName, toolInput, this.who.cwd)} · ${outcomeText(outcome.ok, durationMs)}${error}`;
    const files = outcome.ok === false ? [] : changedFiles(toolName, toolInput, this.who.cwd);
    // Counted once per call id, whichever payload (or other source) reports the call again.
    const key = outcome.toolUseId ? { key: requestKey(this.agentId, `tool:${outcome.toolUseId}`) } : {};
    const level = outcome.ok === false ? 'warn' : 'info';
    return [{ type: 'tool.ended', taskId, agentId: this.agentId, message, level, ...(files.length ? { files } : {}), ...key }, ...this.usage(taskId)];
  }

  needsInput(taskId: string, request: NeedsInputRequestInput): Activity {
    return { type: 'input.needed', taskId, agentId: this.agentId, request: { kind: request.kind, message: shorten(request.message, MAX_TEXT_CHARS) } };
  }

  /** The hook waits for the user's decision: an approval, on the turn's task when there is one. */
  approval(taskId: string | undefined, ask: ApprovalAsk): Activity {
    const bounded: ApprovalAsk = { ...ask, tool: shorten(ask.tool, MAX_LABEL_CHARS), summary: shorten(ask.summary, MAX_TEXT_CHARS), input: boundedInput(ask.input) };
    return { type: 'approval.asked', agentId: this.agentId, ...(taskId ? { taskId } : {}), ask: bounded };
  }

  /** Whether this payload's hook waits for a decision. */
  get waitsForDecision(): boolean {
    return this.ctx.delivery.waitsForDecision === true;
  }

  resume(taskId: string): Activity {
    return { type: 'input.given', taskId, agentId: this.agentId };
  }

  done(taskId: string, lastMessage: string | undefined): Activity[] {
    const result = lastMessage ? { message: shorten(lastMessage, RESULT_CHARS) } : undefined;
    return [...this.usage(taskId), { type: 'turn.ended', taskId, agentId: this.agentId, ...(result ? { result } : {}) }];
  }

  failed(taskId: string, error: string): Activity[] {
    return [...this.usage(taskId), { type: 'turn.failed', taskId, agentId: this.agentId, error: shorten(error, RESULT_CHARS) }];
  }

  /** The session is over: its open turns are cancelled and the agent goes offline. */
  end(): Activity[] {
    const current = this.currentTurn();
    return [...(current ? this.usage(current) : []), { type: 'session.ended', agentId: this.agentId }];
  }

  /** Usage from the session's transcript onto a task, where the agent names one. */
  usage(taskId: string, transcriptPath = this.who.transcriptPath): Activity[] {
    if (!transcriptPath || !this.who.transcriptFormat) return [];
    return [{ type: 'transcript', agentId: this.agentId, taskId, path: transcriptPath, format: this.who.transcriptFormat }];
  }
}

/** A tool input kept whole up to this size; a larger one (a whole file to write) is kept as a preview. */
const MAX_APPROVAL_INPUT_CHARS = 16 * 1024;

function boundedInput(input: Record<string, unknown>): Record<string, unknown> {
  const json = JSON.stringify(input);
  if (json.length <= MAX_APPROVAL_INPUT_CHARS) return input;
  return { truncated: true, preview: shorten(json, MAX_APPROVAL_INPUT_CHARS) };
}

/** `{ transcriptPath }` for a turn's input, when the session names a transcript. */
function transcriptOf(path: string | undefined): { transcriptPath?: string } {
  const kept = path === undefined ? undefined : plainPath(path);
  return kept ? { transcriptPath: kept } : {};
}

/** Reading payload fields without trusting their types. */
export function text(payload: Record<string, unknown>, key: string): string | undefined {
  const value = payload[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function number(payload: Record<string, unknown>, key: string): number | undefined {
  const value = payload[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
