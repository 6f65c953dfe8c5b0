/**
 * What one event did to a task, in plain words ("status active → done", "progress 40% → 60%", "claimed by Builder"):
 * the replay panel's reading of each step, with the raw JSON one click away. Computed from the task before and after
 * the event (the shared reducer's fold) plus what only the event carries (a log line, a reason). No `vscode` here.
 */
import { formatTime } from './format.js';
import { counted, needsInputText, oneLine, stateText, stuckReasonText } from './plainWords.js';
import type { Task, TrackerEvent, Usage } from './protocol.js';
import { formatCost } from './taskPageView.js';

/** How a line names an agent: by its name where known, else its id. */
export type AgentName = (agentId: string) => string;

/** Fields a reader need not be told about: bookkeeping, or said already by the status line. */
const UNSAID = new Set(['updatedAt', 'version', 'schemaVersion', 'metrics', 'blocked', 'assignedAt', 'startedAt', 'completedAt', 'errors', 'lease']);

export function eventChanges(event: TrackerEvent, before: Task | null, after: Task | null, agentName: AgentName): string[] {
  const lines = [...eventOnlyLines(event, agentName)];
  if (!after) return lines.length ? lines : ['the task is removed'];
  if (!before) {
    lines.unshift(`created "${oneLine(after.title, 80)}" as ${stateText(after.state)}`);
    if (after.agentId) lines.push(`for ${agentName(after.agentId)}`);
    return lines;
  }
  for (const key of Object.keys(after) as (keyof Task)[]) {
    if (UNSAID.has(key) || same(before[key], after[key])) continue;
    const line = fieldLine(key, before, after, event, agentName);
    if (line) lines.push(line);
  }
  return lines.length ? lines : ['no change to the task'];
}

function eventOnlyLines(event: TrackerEvent, agentName: AgentName): string[] {
  switch (event.type) {
    case 'task.log':
      return [`log (${event.data.level}): ${oneLine(event.data.message, 200)}`];
    case 'task.claimed':
      return [`claimed by ${agentName(event.data.agentId)}, lease until ${formatTime(event.data.leaseExpiresAt)}`];
    case 'task.transitioned':
      return event.data.reason ? [`reason: ${oneLine(event.data.reason, 200)}`] : [];
    case 'task.reset':
      return [`reset: ${oneLine(event.data.reason, 200)}`];
    case 'task.deleted':
      return [`deleted: ${oneLine(event.data.reason, 200)}`];
    case 'task.checkpoint':
      return ['checkpoint saved'];
    default:
      return [];
  }
}

function fieldLine(key: keyof Task, before: Task, after: Task, event: TrackerEvent, agentName: AgentName): string | undefined {
  switch (key) {
    case 'state':
      return `status ${stateText(before.state)} → ${stateText(after.state)}`;
    case 'progress':
      return `progress ${before.progress}% → ${after.progress}%`;
    case 'step':
      return after.step ? `step "${oneLine(after.step, 80)}"` : 'step cleared';
    case 'agentId':
      // A claim says who already.
      if (event.type === 'task.claimed') return undefined;
      return after.agentId ? `assigned to ${agentName(after.agentId)}` : `no longer assigned to ${before.agentId ? agentName(before.agentId) : 'an agent'}`;
    case 'stuck':
      return after.stuck ? `stuck: ${stuckReasonText(after.stuck.reason)}` : 'no longer stuck';
    case 'needsInput':
      return after.needsInput ? needsInputText(after.needsInput, 200) : 'no longer waiting for the user';
    case 'lastError':
      return after.lastError ? `error: ${oneLine(after.lastError.message, 200)}` : 'error cleared';
    case 'usage':
      return usageLine(before.usage, after.usage);
    case 'title':
      return `title "${oneLine(after.title, 80)}"`;
    case 'attempts':
      return `attempt ${after.attempts}${after.maxAttempts ? ` of ${after.maxAttempts}` : ''}`;
    case 'itemsProcessed':
    case 'itemsFailed':
      return `${key === 'itemsProcessed' ? 'items processed' : 'items failed'} ${before[key]} → ${after[key]}`;
    case 'priority':
      return `priority ${before.priority} → ${after.priority}`;
    case 'expiresAt':
      return after.expiresAt ? `deadline ${formatTime(after.expiresAt)}` : 'deadline removed';
    case 'archived':
      return after.archived ? 'archived' : 'no longer archived';
    case 'checkpoint':
      // The event's own line says so.
      return event.type === 'task.checkpoint' ? undefined : 'checkpoint changed';
    case 'result':
      return after.result ? `result: ${resultText(after.result)}` : 'result cleared';
    case 'tags':
      return after.tags.length ? `tags ${after.tags.join(', ')}` : 'tags removed';
    case 'dependsOn':
      return `depends on ${counted(after.dependsOn.length, 'task')}`;
    default:
      return `${String(key)} changed`;
  }
}

function usageLine(before: Usage | null, after: Usage | null): string {
  const tokens = (u: Usage | null): number => (u ? u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens : 0);
  const parts: string[] = [];
  const addedTokens = tokens(after) - tokens(before);
  if (addedTokens) parts.push(`+${counted(addedTokens, 'token')}`);
  const addedCost = (after?.costUsd ?? 0) - (before?.costUsd ?? 0);
  if (addedCost > 0) parts.push(`+${formatCost(addedCost)}`);
  const addedCalls = (after?.toolCalls ?? 0) - (before?.toolCalls ?? 0);
  if (addedCalls) parts.push(`+${counted(addedCalls, 'tool call')}`);
  return `usage ${parts.join(', ') || 'updated'}`;
}

function resultText(result: Record<string, unknown>): string {
  const message = result['message'];
  return typeof message === 'string' ? oneLine(message, 200) : oneLine(JSON.stringify(result), 200);
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
