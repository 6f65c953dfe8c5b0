/**
 * Approvals: an agent's request that waits for the user's decision (a permission to run a tool, or a question to
 * answer), recorded when the agent's synchronous permission hook fires with an approval wait. The record is folded from
 * its events (`approval.requested`, `approval.decided`, `approval.expired`) by `reduceApproval`, as tasks are by theirs.
 */
import { z } from 'zod';
import { single } from './queries.js';
import { Id, IsoTime, JsonObject, Label, NeedsInputKind, Text } from './schemas.js';

export const APPROVAL_STATES = ['pending', 'allowed', 'denied', 'expired'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];
export const ApprovalStateSchema = z.enum(APPROVAL_STATES);
/** A permission to use a tool, or a question the agent asks (its options in `questions`, the decision's `answers`). */
export const ApprovalKindSchema = NeedsInputKind;
export type ApprovalKind = z.infer<typeof ApprovalKindSchema>;
export const APPROVAL_DECISIONS = ['allow', 'deny'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

export const ApprovalQuestionSchema = z.object({
  question: Text,
  header: Label.optional(),
  multiSelect: z.boolean().optional(),
  options: z.array(z.object({ label: Label, description: Text.optional() })),
});
export type ApprovalQuestion = z.infer<typeof ApprovalQuestionSchema>;

/** Answers keyed by the question's text; several choices of a multi-select question are joined with ", ". */
export const ApprovalAnswersSchema = z.record(Text, Text);
export type ApprovalAnswers = z.infer<typeof ApprovalAnswersSchema>;

/** Where a decision came from: `api` unless the client says (the CLI says `cli`, the extension `vscode`, the board `web`). */
export const ViaSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a short lowercase word such as cli');

export const ApprovalSchema = z.object({
  id: Id,
  kind: ApprovalKindSchema,
  agentId: Id,
  /** The agent's task that waits (paused, its `needsInput.approvalId` this id); null when the agent had no open task. */
  taskId: Id.nullable(),
  /** The tool the agent wants to use (`Bash`, `AskUserQuestion`, `Shell`, ...). */
  tool: Label,
  /** `Bash(rm -rf build)`: the tool and what it would do, as the agent shows it. */
  summary: Text,
  /** The tool's input as the agent sent it (shortened when very large: `{ truncated: true, preview }`). */
  input: JsonObject,
  questions: z.array(ApprovalQuestionSchema).optional(),
  requestedAt: IsoTime,
  /** Past this, with no decision, the agent asks in its own terminal: the approval is `expired`. */
  expiresAt: IsoTime,
  state: ApprovalStateSchema,
  decidedAt: IsoTime.optional(),
  /** Who decided: the actor of the decision (`user`: whoever holds the daemon's token). */
  decidedBy: Label.optional(),
  /** From where: `api`, `cli`, `vscode`, `web`, ... */
  via: Label.optional(),
  /** Why (a denial's reason is what the model reads). */
  reason: Text.optional(),
  answers: ApprovalAnswersSchema.optional(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

export const ApprovalDecisionBody = z.strictObject({
  decision: z.enum(APPROVAL_DECISIONS),
  reason: Text.min(1).optional(),
  answers: ApprovalAnswersSchema.optional(),
  via: ViaSchema.optional(),
});
export type ApprovalDecisionInput = z.infer<typeof ApprovalDecisionBody>;

/** `GET /v1/approvals?state=pending,expired` (every approval without it), newest first. A repeated parameter counts once. */
export const ApprovalListQuerySchema = z.object({
  state: single(
    z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(ApprovalStateSchema)),
  ).optional(),
});
export const ApprovalItemsSchema = z.object({ items: z.array(ApprovalSchema) });

// ---- events ---------------------------------------------------------------------------------------------------------

export interface ApprovalRequestedData {
  approval: Approval;
}
export interface ApprovalDecidedData {
  approvalId: string;
  decision: ApprovalDecision;
  decidedBy: string;
  via: string;
  reason?: string;
  answers?: ApprovalAnswers;
}
export interface ApprovalExpiredData {
  approvalId: string;
}

/** The approval an approval event is about. */
export function approvalIdOf(event: { type: string; data: unknown }): string | undefined {
  if (event.type === 'approval.requested') return (event.data as ApprovalRequestedData).approval.id;
  if (event.type === 'approval.decided' || event.type === 'approval.expired') return (event.data as ApprovalExpiredData).approvalId;
  return undefined;
}

type ApprovalEvent =
  | { type: 'approval.requested'; data: ApprovalRequestedData; at: string }
  | { type: 'approval.decided'; data: ApprovalDecidedData; at: string }
  | { type: 'approval.expired'; data: ApprovalExpiredData; at: string };

/** Folds one approval event into its approval; a decision or expiry of an approval already settled changes nothing. */
export function reduceApproval(approval: Approval | undefined, event: ApprovalEvent): Approval | undefined {
  switch (event.type) {
    case 'approval.requested':
      return event.data.approval;
    case 'approval.decided': {
      if (!approval || approval.state !== 'pending') return approval;
      const { decision, decidedBy, via, reason, answers } = event.data;
      const next: Approval = { ...approval, state: decision === 'allow' ? 'allowed' : 'denied', decidedAt: event.at, decidedBy, via };
      if (reason !== undefined) next.reason = reason;
      if (answers !== undefined) next.answers = answers;
      return next;
    }
    case 'approval.expired':
      return approval && approval.state === 'pending' ? { ...approval, state: 'expired' } : approval;
  }
}

/** Whether the approval still waits for a decision. */
export function isPending(approval: Approval): boolean {
  return approval.state === 'pending';
}
