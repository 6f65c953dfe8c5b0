/**
 * Batch and inbox commands: one JSON object per line, `{ op, ... }`. Each is validated and applied on its own, so an
 * invalid line is reported and never stops the lines after it. A command with an `id` is applied at most once.
 */
import { CommandSchema, TrackerError, describeIssues, findUnkeptString, UNKEPT_STRING_MESSAGE, type Command } from '../../protocol/index.js';
import { agentActor, type Outcome, type RequestContext } from '../context.js';
import type { Tracker } from '../tracker.js';
import { newTaskId } from '../../common/ids.js';
import type { HookPayloads } from './hookPayloads.js';

export type CommandResult =
  | { ok: true; op: Command['op']; taskId?: string; agentId?: string; seq: number; duplicate?: true }
  | { ok: false; op?: string; error: { code: string; message: string; details?: unknown } };

export interface AppliedCommand {
  result: CommandResult;
  durable: Promise<void>;
}

/** Validates and applies one command; `hooks` maps the agents' payloads of `hook` lines (without it they are refused). */
export function applyCommand(tracker: Tracker, hooks: HookPayloads | undefined, raw: unknown): AppliedCommand {
  const parsed = CommandSchema.safeParse(raw);
  if (!parsed.success) {
    const op = typeof raw === 'object' && raw !== null ? (raw as { op?: unknown }).op : undefined;
    const details = describeIssues(parsed.error, '');
    return failed(typeof op === 'string' ? op : undefined, new TrackerError('validation_failed', 'invalid command', details));
  }
  const command = parsed.data;
  // A hook's payload is the agent's own JSON: its text is cleaned where it is read (hookPayloads.ts), not refused.
  const unkept = findUnkeptString(command.op === 'hook' ? { ...command, payload: null } : command);
  if (unkept !== null) {
    const error = new TrackerError('validation_failed', 'invalid command', [
      { path: unkept, message: UNKEPT_STRING_MESSAGE },
    ]);
    return failed(command.op, error);
  }
  const commandKey = command.id === undefined ? undefined : `cmd:${command.id}`;
  const seen = commandKey ? tracker.idempotencyRecord(commandKey) : undefined;
  if (seen) {
    return { result: { ...(seen.body as CommandResult & { ok: true }), duplicate: true as const }, durable: Promise.resolve() };
  }
  const ctx: RequestContext = {
    actor: 'agentId' in command && command.agentId ? agentActor(command.agentId) : 'user',
    // A command's result names what it touched; building the full task for it would be wasted work in bulk ingest.
    discardBody: true,
  };
  // A create's task id is chosen here, so that the result can name it.
  if (command.op === 'create') command.taskId ??= newTaskId();
  try {
    const seqBefore = tracker.state.seq;
    const outcome = run(tracker, hooks, command, ctx);
    // Built field by field: in bulk ingest this runs per line.
    const result: CommandResult = { ok: true, op: command.op, seq: tracker.state.seq };
    if ('taskId' in command && command.taskId) result.taskId = command.taskId;
    if ('agentId' in command && command.agentId) result.agentId = command.agentId;
    if (!commandKey || tracker.state.seq === seqBefore) return { result, durable: outcome.durable };
    const idempotency = { key: commandKey, hash: '', status: 200, body: result, at: tracker.now() };
    return { result, durable: Promise.all([outcome.durable, tracker.record({ idempotency })]).then(() => {}) };
  } catch (error) {
    if (error instanceof TrackerError) return failed(command.op, error);
    throw error;
  }
}

function failed(op: string | undefined, error: TrackerError): AppliedCommand {
  const result: CommandResult = { ok: false, error: error.toBody().error };
  if (op) result.op = op;
  return { result, durable: Promise.resolve() };
}

function run(tracker: Tracker, hooks: HookPayloads | undefined, command: Command, ctx: RequestContext): Outcome<unknown> {
  switch (command.op) {
    case 'create': {
      const { op: _op, id: _id, taskId, ...fields } = command;
      return tracker.createTask(taskId, fields, ctx);
    }
    case 'update': {
      const { op: _op, id: _id, taskId, ...patch } = command;
      return tracker.patchTask(taskId, patch, undefined, ctx);
    }
    case 'transition': {
      const { op: _op, id: _id, taskId, ...body } = command;
      return tracker.transition(taskId, body, ctx);
    }
    case 'progress': {
      const { op: _op, id: _id, taskId, agentId, ...data } = command;
      return tracker.report(taskId, { type: 'task.progress', data }, agentId, ctx);
    }
    case 'log': {
      const data = { message: command.message, level: command.level ?? 'info' } as const;
      return tracker.report(command.taskId, { type: 'task.log', data }, command.agentId, ctx);
    }
    case 'checkpoint':
      return tracker.report(command.taskId, { type: 'task.checkpoint', data: { data: command.data } }, command.agentId, ctx);
    case 'usage': {
      const { op: _op, id: _id, taskId, agentId, ...report } = command;
      return tracker.recordUsage({ taskId, agentId }, report, ctx);
    }
    case 'hook':
      if (!hooks) throw new TrackerError('unavailable', 'this daemon does not map hook payloads');
      return hooks.ingest(command, ctx);
    case 'heartbeat': {
      const { agentId, taskId, leaseToken, leaseMs, name, capabilities, meta } = command;
      const outcome = tracker.heartbeatAgent(agentId, { name, capabilities, meta }, ctx);
      if (!taskId || !leaseToken) return outcome;
      const lease = tracker.heartbeatTask(taskId, { agentId, leaseToken, leaseMs }, ctx);
      return { ...lease, durable: Promise.all([outcome.durable, lease.durable]).then(() => {}) };
    }
  }
}
