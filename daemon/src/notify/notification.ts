/**
 * Which events someone should hear about, in plain words: a pure function from one event (and the registry's current
 * tasks and agents, for names) to a notification, or nothing. Webhooks subscribe to its types.
 */
import type { Agent, Task, TrackerEvent } from '../protocol/index.js';
import type { NotificationBody, NotificationType, WebhookEvent } from '../protocol/webhooks.js';

export interface Notification {
  type: NotificationType;
  /** The seq of the event it comes from (0 for a test). */
  seq: number;
  at: string;
  agent: NotificationBody['agent'];
  task: NotificationBody['task'];
  text: string;
}

export interface NotificationSources {
  task(id: string): Task | undefined;
  agent(id: string): Agent | undefined;
}

const MAX_TEXT = 1000;

export function notificationOf(event: TrackerEvent, src: NotificationSources): Notification | null {
  const type = notificationType(event);
  if (!type) return null;
  const task = event.taskId ? src.task(event.taskId) : undefined;
  const agentId = task?.agentId ?? event.agentId ?? null;
  const agent = agentId ? src.agent(agentId) : undefined;
  const who = agent?.name || agentId || 'An agent';
  const title = task ? `"${flat(task.title, 200)}"` : 'a task';
  let text: string;
  switch (type) {
    case 'needs_input': {
      const needs = task?.needsInput;
      const what = needs?.kind === 'question' ? 'waits for an answer' : 'waits for permission';
      text = `${who} ${what}${needs?.message ? `: ${flat(needs.message, 400)}` : ''} (${title})`;
      break;
    }
    case 'task.failed':
      text = `${title} failed${task?.lastError ? `: ${flat(task.lastError.message, 400)}` : ''} (${who})`;
      break;
    case 'task.stuck':
      text = `${title} is stuck: ${stuckWords(event)} (${who})`;
      break;
    case 'task.done':
      text = `${title} is done (${who})`;
      break;
    default:
      text = budgetText(type, event);
  }
  return {
    type,
    seq: event.seq,
    at: event.at,
    agent: agentId ? { id: agentId, name: agent?.name || agentId, kind: agent?.meta.kind ?? null } : null,
    task: task ? { id: task.id, title: task.title, state: task.state } : null,
    text: flat(text, MAX_TEXT),
  };
}

function notificationType(event: TrackerEvent): WebhookEvent | null {
  switch (event.type) {
    case 'task.transitioned':
      if (event.data.needsInput) return 'needs_input';
      if (event.data.to === 'failed') return 'task.failed';
      if (event.data.to === 'done') return 'task.done';
      return null;
    case 'task.updated':
      return event.data.changes.needsInput ? 'needs_input' : null;
    case 'task.stuck':
      return 'task.stuck';
    default: {
      // Budget events are written by the budgets engine; their types are read as plain strings.
      const type: string = event.type;
      return type === 'budget.exceeded' || type === 'budget.warning' ? type : null;
    }
  }
}

function stuckWords(event: TrackerEvent): string {
  if (event.type !== 'task.stuck') return 'stuck';
  const words: Record<string, string> = {
    lease_expired: 'its lease expired',
    agent_offline: 'its agent went offline',
    expired: 'it ran past its time limit',
    process_exited: "its agent's process exited",
  };
  return words[event.data.reason] ?? event.data.reason;
}

function budgetText(type: string, event: TrackerEvent): string {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const budget = (typeof data.budget === 'object' && data.budget !== null ? data.budget : data) as Record<string, unknown>;
  const spent = typeof budget.spentUsd === 'number' ? ` $${budget.spentUsd.toFixed(2)}` : '';
  const limit = typeof budget.usd === 'number' ? ` of $${budget.usd.toFixed(2)}` : '';
  const period = typeof budget.period === 'string' ? ` this ${flat(budget.period, 20)}` : '';
  return type === 'budget.exceeded' ? `Budget exceeded:${spent}${limit}${period}` : `Budget at 80% or more:${spent}${limit}${period}`;
}

/**
 * Untrusted text on one line: control, bidirectional and invisible format characters go, so what a channel shows is
 * what the text is; then shortened.
 */
export function flat(text: string, max: number): string {
  const clean = text
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
