/**
 * What an agent adapter is: a pure function from one hook payload of that agent (and what the tracker knows of its
 * session so far) to the steps the tracker takes. Adapters import the protocol only; the daemon applies their steps.
 */
import type { Agent, AgentMeta, Approval, ApprovalKind, ApprovalQuestion, NeedsInputRequestInput, Task, TmuxLocation, UsageReportInput } from '../../protocol/index.js';

/** One payload as delivered: by whom, when the forwarder saw it, and the agent's process id if it knew it. */
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
   * becomes an approval step rather than a plain `needsInput`.
   */
  waitsForDecision?: boolean;
}

/** What the agent asks the user, as an approval records it. */
export interface ApprovalAsk {
  kind: ApprovalKind;
  tool: string;
  summary: string;
  input: Record<string, unknown>;
  questions?: ApprovalQuestion[];
}

/** The tracker's view of one session, as the adapter needs it. */
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
  /** When the payload that started this turn was observed, if this daemon saw it. */
  turnStartedAt(taskId: string): number | undefined;
}

export interface HookContext {
  delivery: HookDelivery;
  /** This machine's host name (agents report it as `meta.host`). */
  host: string;
  session(sessionId: string): SessionView;
}

/** The changes a payload asks for, in order. Every id is decided by the adapter, so a repeat finds its own work. */
export type HookStep =
  | { kind: 'session'; agentId: string; name: string; meta: AgentMeta; at: string }
  | {
      kind: 'startTask';
      taskId: string;
      agentId: string;
      title: string;
      input: Record<string, unknown>;
      triggerSource: string;
      parentId?: string;
      requestId?: string;
    }
  | { kind: 'step'; taskId: string; agentId: string; step: string }
  | { kind: 'log'; taskId: string; agentId: string; message: string; level: 'info' | 'warn' | 'error'; files?: string[] }
  | { kind: 'needsInput'; taskId: string; agentId: string; request: NeedsInputRequestInput }
  /** The agent waits for a decision its hook can carry back: an approval (its task, if any, pauses on it). */
  | { kind: 'approval'; taskId?: string; agentId: string; ask: ApprovalAsk }
  | { kind: 'resume'; taskId: string; agentId: string }
  | { kind: 'finish'; taskId: string; agentId: string; to: 'done' | 'failed' | 'cancelled'; result?: Record<string, unknown>; error?: string; reason?: string }
  | { kind: 'usage'; taskId?: string; agentId: string; report: UsageReportInput }
  | { kind: 'toolStarted'; agentId: string; toolUseId: string; at: number }
  /** Read the model usage this transcript records and put what is new on the task. */
  | { kind: 'transcript'; agentId: string; taskId: string; path: string; format: TranscriptFormat }
  | { kind: 'endSession'; agentId: string };

/** The transcript formats integrations/usage can read. */
export type TranscriptFormat = 'claude-code' | 'codex' | 'gemini-cli';

export interface HookAdapter {
  /** The agent kind, as in `POST /v1/hooks/:kind` and `meta.kind`. */
  kind: string;
  /** How people call the agent: the first half of its agents' names. */
  displayName: string;
  /** Steps for one payload; an empty list when the payload means nothing to the tracker. Throws on a payload it cannot read. */
  map(context: HookContext): HookStep[];
  /**
   * The decision of an approval this adapter's payload asked for, as the agent reads it on the hook's stdout; undefined
   * when there is nothing to say (an expired approval: the agent asks in its own terminal). Only for adapters whose
   * agent takes decisions from a hook.
   */
  answer?(approval: Approval, payload: Record<string, unknown>): Record<string, unknown> | undefined;
}

/** A payload the adapter cannot read: counted and logged, never an error to the agent. */
export class UnreadablePayload extends Error {}
