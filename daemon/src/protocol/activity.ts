/**
 * The activity vocabulary: what an agent did, in one set of words whichever way it was reported. Each source has a pure
 * adapter into it (integrations/: one per agent's hooks, the agents' OTLP log events, GenAI spans); the engine's
 * applier (engine/activity/) turns one payload's activities into tracker changes, as one commit, under one set of
 * rules. Every id is decided by the adapter, so a repeated payload finds its own work.
 */
import type { Agent, AgentMeta, NeedsInputRequestInput, Task, UsageReportInput } from './schemas.js';
import type { Approval, ApprovalKind, ApprovalQuestion } from './approvals.js';
import type { TmuxLocation } from './tmux.js';

export type Activity =
  /**
   * The agent's session is alive, and this is what is known of it. `firsthand`: the agent said so itself (its hooks,
   * its own session registry): what it states replaces what was known. Otherwise (telemetry, which lags and speaks of
   * single requests) it only fills in what is missing.
   */
  | { type: 'session.seen'; agentId: string; name: string; meta: AgentMeta; firsthand: boolean }
  /** The session is over: its open turns are cancelled and the agent goes offline (after a short grace). */
  | { type: 'session.ended'; agentId: string }
  /** A new prompt (a turn), or with `parentId` a subagent's work within the turn or subagent that started it. */
  | {
      type: 'turn.started';
      taskId: string;
      agentId: string;
      title: string;
      input: Record<string, unknown>;
      /** Who reported it: the agent kind, or `otel`. */
      source: string;
      parentId?: string;
      requestId?: string;
    }
  /** A tool call began: the task's step; `toolUseId` times the call for its end. */
  | { type: 'tool.started'; taskId: string; agentId: string; step: string; toolUseId?: string; at: number }
  /**
   * A tool call ended: counted once under `key` whichever source reports it, and logged by the first (with `step` as
   * the task's step when the source saw no start).
   */
  | {
      type: 'tool.ended';
      taskId?: string;
      agentId: string;
      message: string;
      level: 'info' | 'warn' | 'error';
      step?: string;
      files?: string[];
      key?: string;
    }
  /** Something the agent's record should say that changes nothing (a call refused by the agent's own rules). */
  | { type: 'note'; taskId: string; agentId: string; message: string; level: 'info' | 'warn' | 'error' }
  /** The agent waits for the user, in its own terminal. */
  | { type: 'input.needed'; taskId: string; agentId: string; request: NeedsInputRequestInput }
  /** The agent waits for a decision its hook carries back: an approval (its turn, if any, pauses on it). */
  | { type: 'approval.asked'; taskId?: string; agentId: string; ask: ApprovalAsk }
  /** The agent goes on (it was answered, or stopped waiting). */
  | { type: 'input.given'; taskId: string; agentId: string }
  /**
   * Model usage. With `sighting`, the request's key comes from matching it against the other sources' reports of the
   * same request (a transcript and an OTLP event); else `report.requestId` is the key.
   */
  | { type: 'usage'; taskId?: string; agentId: string; report: UsageReportInput; sighting?: UsageSighting }
  /** Read the model usage this transcript records and put what is new on the task. */
  | { type: 'transcript'; taskId: string; agentId: string; path: string; format: TranscriptFormat }
  | { type: 'turn.ended'; taskId: string; agentId: string; result?: Record<string, unknown> }
  | { type: 'turn.failed'; taskId: string; agentId: string; error: string }
  /** The turn was cut short (a new prompt, the session's end). */
  | { type: 'turn.interrupted'; taskId: string; agentId: string; reason: string };

export type ActivityType = Activity['type'];

/** The transcript formats the daemon can read. */
export type TranscriptFormat = 'claude-code' | 'codex' | 'gemini-cli';

/** One model request as an agent's transcript records it (integrations/usage reads it; the applier counts it). */
export interface TranscriptRequest {
  /** The agent's id of the model request or message (unique within its session). */
  id: string;
  /** The provider's id of the request, where the transcript records it. */
  requestId?: string;
  /** When the agent recorded it (ms), if it says. */
  at?: number;
  model?: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Known where the model's price is. */
  costUsd?: number;
}

/** Where a model request's usage was seen: sources that may report the same request. */
export type UsageSource = 'transcript' | 'otlp';

/** One model request as one source saw it, for matching against the other sources' reports of it. */
export interface UsageSighting {
  source: UsageSource;
  /** The provider's request id, when the source knows it. */
  requestId?: string;
  /** The source's own id of the request (a message id, an event sequence): the same every time it reports it. */
  ownId: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** When the request ran as this source saw it (ms since the epoch): a moment (`from` = `to`) or a span. */
  from: number;
  to: number;
  /** Whether this source's report carries the request's cost. */
  costed: boolean;
}

/** What the agent asks the user, as an approval records it. */
export interface ApprovalAsk {
  kind: ApprovalKind;
  tool: string;
  summary: string;
  input: Record<string, unknown>;
  questions?: ApprovalQuestion[];
}

// ---- hook adapters ---------------------------------------------------------------------------------------------------

/** One hook payload as delivered: by whom, when the forwarder saw it, and the agent's process id if it knew it. */
export interface HookDelivery {
  source: string;
  payload: Record<string, unknown>;
  /** ISO time the forwarder saw the event (the daemon's receipt time when it did not say). */
  at: string;
  pid?: number;
  /** The tmux pane (and server socket) the agent runs in, when the forwarder saw one. */
  tmux?: TmuxLocation;
  /**
   * The hook waits for the user's decision (the forwarder's `--approval-wait`): an event the agent lets a hook decide
   * becomes an approval rather than a plain `input.needed`.
   */
  waitsForDecision?: boolean;
}

/** The tracker's view of one session, as an adapter needs it. */
export interface SessionView {
  agentId: string;
  agent: Agent | undefined;
  /** The session's tasks that are not finished, oldest first. */
  openTasks: readonly Task[];
  /** Whether a task with this id exists (finished or not). */
  hasTask(taskId: string): boolean;
  task(taskId: string): Task | undefined;
  /** When a tool call of this session started (the observation time of its pre-tool payload), if seen. */
  toolStartedAt(toolUseId: string): number | undefined;
}

export interface HookContext {
  delivery: HookDelivery;
  /** This machine's host name (agents report it as `meta.host`). */
  host: string;
  session(agentId: string): SessionView;
}

/** How an agent whose prompt hook can refuse a prompt says so, in its own format. */
export interface PromptGate {
  /** What the hook prints to refuse the prompt. */
  refuse(reason: string): Record<string, unknown>;
}

/** A pure function from one hook payload of an agent (and what the tracker knows of its session) to activities. */
export interface HookAdapter {
  /** The agent kind, as in `POST /v1/hooks/:kind` and `meta.kind`. */
  kind: string;
  /** How people call the agent: the first half of its agents' names. */
  displayName: string;
  /** The payload's activities; an empty list when it means nothing to the tracker. Throws UnreadablePayload. */
  map(context: HookContext): Activity[];
  /** The gate of a payload that carries a new prompt this agent lets its hook refuse; undefined for any other. */
  promptGate?(payload: Record<string, unknown>): PromptGate | undefined;
  /**
   * The decision of an approval this adapter's payload asked for, as the agent reads it on the hook's stdout; undefined
   * when there is nothing to say (an expired approval: the agent asks in its own terminal).
   */
  answer?(approval: Approval, payload: Record<string, unknown>): Record<string, unknown> | undefined;
}

/** A payload the adapter cannot read: counted and logged, never an error to the agent. */
export class UnreadablePayload extends Error {}
