/**
 * The rules of approvals, as event drafts the tracker commits: a request records the approval and pauses the agent's
 * task on it (`needsInput.approvalId`); the first decision wins and lets the task go on; an expiry (nobody decided in
 * time: the agent asks in its own terminal) keeps the task waiting, now for the terminal. The tracker never decides by
 * itself: only a decision request does, and expiry is not a decision.
 */
import {
  TrackerError,
  type Approval,
  type ApprovalDecisionInput,
  type ApprovalKind,
  type ApprovalQuestion,
  type NeedsInput,
  type Task,
} from '../protocol/index.js';
import type { TrackerState } from '../store/state.js';
import type { EventDraft } from '../store/store.js';

/** What an agent's permission hook asks, as its adapter read it. */
export interface ApprovalRequest {
  kind: ApprovalKind;
  agentId: string;
  /** The agent's open task that waits for it, if any. */
  taskId?: string;
  tool: string;
  summary: string;
  input: Record<string, unknown>;
  questions?: ApprovalQuestion[];
  /** How long the hook waits for a decision. */
  waitMs: number;
}

/** A decision as the route took it: the body, and where it came from. */
export type ApprovalDecisionRequest = Omit<ApprovalDecisionInput, 'via'> & { via: string };

/** A pending approval is expired by the sweeper this long after its deadline, when no hook of this daemon waited on it. */
export const APPROVAL_EXPIRY_GRACE_MS = 5000;

export function requireApproval(state: TrackerState, id: string): Approval {
  const approval = state.approvals.get(id);
  if (!approval) throw new TrackerError('not_found', `no approval ${id}`);
  return approval;
}

/** The approval a request records, and the pause of its task (when the task is open to pausing). */
export function requestDrafts(state: TrackerState, request: ApprovalRequest, id: string, now: number, actor: string): { approval: Approval; drafts: EventDraft[] } {
  const task = request.taskId === undefined ? undefined : state.tasks.get(request.taskId);
  const approval: Approval = {
    id,
    kind: request.kind,
    agentId: request.agentId,
    taskId: task ? task.id : null,
    tool: request.tool,
    summary: request.summary,
    input: request.input,
    ...(request.questions ? { questions: request.questions } : {}),
    requestedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + request.waitMs).toISOString(),
    state: 'pending',
  };
  const scope = { taskId: task?.id, agentId: request.agentId, actor };
  const drafts: EventDraft[] = [{ type: 'approval.requested', ...scope, data: { approval } }];
  if (task) {
    const needsInput: NeedsInput = { since: approval.requestedAt, kind: request.kind, message: request.summary, approvalId: id };
    if (task.state === 'active') {
      drafts.push({ type: 'task.transitioned', ...scope, taskId: task.id, data: { from: 'active', to: 'paused', agentId: request.agentId, needsInput } });
    } else if (task.state === 'paused') {
      drafts.push({ type: 'task.updated', ...scope, taskId: task.id, data: { changes: { needsInput } } });
    }
  }
  return { approval, drafts };
}

/** The first decision of a pending approval; anything later (or past its deadline) is 409 `conflict`. */
export function decisionDrafts(state: TrackerState, id: string, decision: ApprovalDecisionRequest, now: number, actor: string): EventDraft[] {
  const approval = requireApproval(state, id);
  if (approval.state !== 'pending') {
    const by = approval.decidedBy ? ` by ${approval.decidedBy}${approval.via ? ` via ${approval.via}` : ''}` : '';
    throw new TrackerError('conflict', `approval ${id} is already ${approval.state}${by}`, { state: approval.state });
  }
  if (Date.parse(approval.expiresAt) <= now) {
    throw new TrackerError('conflict', `approval ${id} expired at ${approval.expiresAt}: the agent asks in its own terminal`, { state: 'expired' });
  }
  checkAnswers(approval, decision);
  const data = { approvalId: id, decision: decision.decision, decidedBy: actor, via: decision.via } as const;
  const scope = { taskId: approval.taskId ?? undefined, agentId: approval.agentId, actor };
  const drafts: EventDraft[] = [
    {
      type: 'approval.decided',
      ...scope,
      data: {
        ...data,
        ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
        ...(decision.answers !== undefined ? { answers: decision.answers } : {}),
      },
    },
  ];
  const task = waitingTask(state, approval);
  // Decided: the agent goes on (running the tool, or told it may not).
  if (task) drafts.push({ type: 'task.transitioned', ...scope, taskId: task.id, data: { from: 'paused', to: 'active', agentId: approval.agentId } });
  return drafts;
}

/** Nobody decided in time: the approval expires, and its task waits on for the agent's own terminal. */
export function expiryDrafts(state: TrackerState, id: string, actor: string): EventDraft[] {
  const approval = requireApproval(state, id);
  if (approval.state !== 'pending') return [];
  const scope = { taskId: approval.taskId ?? undefined, agentId: approval.agentId, actor };
  const drafts: EventDraft[] = [{ type: 'approval.expired', ...scope, data: { approvalId: id } }];
  const task = waitingTask(state, approval);
  if (task?.needsInput) {
    const { approvalId: _decidable, ...needsInput } = task.needsInput;
    drafts.push({ type: 'task.updated', ...scope, taskId: task.id, data: { changes: { needsInput } } });
  }
  return drafts;
}

/** Pending approvals past their deadline and its grace: no hook waits on them any more (the daemon restarted meanwhile). */
export function overdueApprovals(state: TrackerState, now: number): string[] {
  const overdue: string[] = [];
  for (const approval of state.approvals.values()) {
    if (approval.state === 'pending' && Date.parse(approval.expiresAt) + APPROVAL_EXPIRY_GRACE_MS <= now) overdue.push(approval.id);
  }
  return overdue;
}

/** The approvals in these states (all without), newest first. */
export function listApprovals(state: TrackerState, states?: readonly string[]): Approval[] {
  const items = [...state.approvals.values()].filter((a) => !states || states.length === 0 || states.includes(a.state));
  return items.sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : a.id < b.id ? 1 : -1));
}

/** The approval's task, if it is still paused on this very approval. */
function waitingTask(state: TrackerState, approval: Approval): Task | undefined {
  if (approval.taskId === null) return undefined;
  const task = state.tasks.get(approval.taskId);
  return task?.state === 'paused' && task.needsInput?.approvalId === approval.id ? task : undefined;
}

/** Answers belong to questions: each names one of the approval's questions, and allowing a question needs them. */
function checkAnswers(approval: Approval, decision: ApprovalDecisionRequest): void {
  const { answers } = decision;
  if (approval.kind !== 'question') {
    if (answers !== undefined) throw invalid('answers', 'only a question takes answers');
    return;
  }
  if (decision.decision === 'deny') return;
  if (answers === undefined || Object.keys(answers).length === 0) throw invalid('answers', 'allowing a question needs its answers');
  const asked = new Set((approval.questions ?? []).map((q) => q.question));
  for (const question of Object.keys(answers)) {
    if (!asked.has(question)) throw invalid('answers', `"${question.slice(0, 80)}" is not one of the questions asked`);
  }
}

function invalid(path: string, message: string): TrackerError {
  return new TrackerError('validation_failed', message, [{ path, message }]);
}
