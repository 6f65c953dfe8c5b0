/** How tasks, agents and events read in a terminal. */
import { reduceTask, type Agent, type Task, type TrackerEvent, type Usage } from '../protocol/index.js';
import { ago, duration, renderFields, renderTable, truncate } from './table.js';

export function taskState(task: Task): string {
  if (task.stuck) return `${task.state} STUCK(${task.stuck.reason})`;
  if (task.blocked && !task.stuck) return `${task.state} (blocked)`;
  return task.state;
}

export function renderTaskTable(tasks: readonly Task[]): string {
  if (tasks.length === 0) return 'no tasks';
  return renderTable(
    ['ID', 'STATE', 'PRI', 'PROGRESS', 'AGENT', 'UPDATED', 'TITLE'],
    tasks.map((t) => [
      t.id,
      taskState(t),
      String(t.priority),
      t.step ? `${t.progress}% ${truncate(t.step, 20)}` : `${t.progress}%`,
      t.agentId ?? '-',
      ago(t.updatedAt),
      truncate(t.title, 60),
    ]),
  );
}

export function renderTask(task: Task): string {
  return renderFields([
    ['id', task.id],
    ['title', task.title],
    ['state', taskState(task)],
    ['agent', task.agentId ?? '-'],
    ['type', task.type],
    ['priority', String(task.priority)],
    ['progress', `${task.progress}%${task.step ? ` (${task.step})` : ''}`],
    ['items', task.itemsProcessed || task.itemsFailed ? `${task.itemsProcessed} done, ${task.itemsFailed} failed` : undefined],
    ['attempts', task.maxAttempts ? `${task.attempts}/${task.maxAttempts}` : String(task.attempts)],
    ['parent', task.parentId ?? undefined],
    ['depends on', task.dependsOn.map((d) => d.taskId).join(', ')],
    ['blocks', task.blocks.join(', ')],
    ['tags', task.tags.join(', ')],
    ['description', task.description],
    ['last error', task.lastError ? `${task.lastError.message} (${ago(task.lastError.at)})` : undefined],
    ['result', task.result ? JSON.stringify(task.result) : undefined],
    ['usage', task.usage ? formatUsage(task.usage) : undefined],
    ['lease', task.lease ? `${task.lease.agentId} until ${task.lease.expiresAt}` : undefined],
    ['created', `${task.createdAt} (${ago(task.createdAt)})`],
    ['started', task.startedAt ?? undefined],
    ['completed', task.completedAt ?? undefined],
    ['cycle', task.completedAt ? duration(task.metrics.cycleMs) : undefined],
    ['version', String(task.version)],
  ]);
}

/** `12.3k in, 4.5k out, 80k cache read, 2k cache write · $0.0421 · 3 requests, 5 tool calls · claude-sonnet-4-5` */
export function formatUsage(usage: Usage): string {
  const tokens = [
    `${count(usage.inputTokens)} in`,
    `${count(usage.outputTokens)} out`,
    ...(usage.cacheReadTokens ? [`${count(usage.cacheReadTokens)} cache read`] : []),
    ...(usage.cacheWriteTokens ? [`${count(usage.cacheWriteTokens)} cache write`] : []),
  ].join(', ');
  const calls = `${usage.requests} request${usage.requests === 1 ? '' : 's'}, ${usage.toolCalls} tool call${usage.toolCalls === 1 ? '' : 's'}`;
  const unpriced = usage.unpricedRequests
    ? [`no price known for ${usage.unpricedRequests} request${usage.unpricedRequests === 1 ? '' : 's'} (cost not counted)`]
    : [];
  return [tokens, formatCost(usage.costUsd), calls, ...(usage.model ? [usage.model] : []), ...unpriced].join(' · ');
}

export function formatCost(usd: number): string {
  return `$${usd >= 100 ? usd.toFixed(0) : usd >= 1 ? usd.toFixed(2) : usd.toFixed(4)}`;
}

function count(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

export function renderAgentTable(agents: readonly Agent[]): string {
  if (agents.length === 0) return 'no agents';
  return renderTable(
    ['ID', 'STATUS', 'LAST SEEN', 'CAPABILITIES', 'NAME'],
    agents.map((a) => [a.id, a.status, ago(a.lastSeenAt), a.capabilities.join(',') || '*', truncate(a.name, 40)]),
  );
}

/** One line per event: time, seq, type, subject and the gist of its data. */
export function renderEvent(event: TrackerEvent): string {
  const time = event.at.slice(11, 19);
  const subject = event.taskId ?? event.agentId ?? '';
  return `${time} #${event.seq} ${event.type.padEnd(17)} ${subject} ${eventGist(event)}`.trimEnd();
}

export function eventGist(event: TrackerEvent): string {
  switch (event.type) {
    case 'task.created': {
      const task = reduceTask(undefined, event);
      return task ? `"${truncate(task.title, 60)}" (${task.state})` : '';
    }
    case 'task.transitioned': {
      const why = event.data.error?.message ?? event.data.reason ?? '';
      return `${event.data.from} -> ${event.data.to}${why ? `: ${truncate(why, 80)}` : ''}`;
    }
    case 'task.progress': {
      const { progress, step } = event.data;
      return [progress !== undefined ? `${progress}%` : '', step ?? ''].filter(Boolean).join(' ');
    }
    case 'task.log':
      return `[${event.data.level}] ${truncate(event.data.message, 100)}`;
    case 'task.claimed':
      return `by ${event.data.agentId}`;
    case 'task.stuck':
      return event.data.reason;
    case 'task.reset':
    case 'agent.reset':
      return `-> ${event.data.to}: ${truncate(event.data.reason, 80)}`;
    default:
      return `by ${event.actor}`;
  }
}
