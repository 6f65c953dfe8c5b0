/**
 * How the History view splits a large day (an import of 2,400 tasks, a busy day of several agents): by outcome first,
 * failures on top, since what failed is what one looks for; an outcome that is still large and spans several agents,
 * by agent. A day or group of a size one reads through stays a plain list. No `vscode` here.
 */
import type { Task } from './protocol.js';

/** A day or group with more tasks than this is split. */
export const LARGE_GROUP = 30;

export type HistoryOutcome = 'failed' | 'cancelled' | 'done';
const OUTCOMES: readonly HistoryOutcome[] = ['failed', 'cancelled', 'done'];
const OUTCOME_LABELS: Readonly<Record<HistoryOutcome, string>> = { failed: 'Failed', cancelled: 'Cancelled', done: 'Done' };

export interface HistoryGroup {
  /** Unique in the view: the day, then the outcome, then the agent (`2026-01-01/failed/agent-1`). */
  key: string;
  label: string;
  outcome: HistoryOutcome;
  /** Set on a group of one agent's tasks ('' for tasks of no agent). */
  agentId?: string;
  taskIds: readonly string[];
}

export interface HistorySources {
  task: (id: string) => Task | undefined;
  agentName: (id: string) => string;
}

/** The groups a list of finished tasks (newest first) splits into, or undefined when it is read as one list. */
export function historyGroups(parentKey: string, taskIds: readonly string[], src: HistorySources, outcome?: HistoryOutcome): HistoryGroup[] | undefined {
  if (taskIds.length <= LARGE_GROUP) return undefined;
  if (outcome === undefined) {
    const byOutcome = groupBy(taskIds, (id) => outcomeOf(src.task(id)));
    if (byOutcome.size > 1) {
      return OUTCOMES.filter((o) => byOutcome.has(o)).map((o) => ({ key: `${parentKey}/${o}`, label: OUTCOME_LABELS[o], outcome: o, taskIds: byOutcome.get(o) ?? [] }));
    }
    // One outcome only: split by agent straight away.
    return historyGroups(parentKey, taskIds, src, outcomeOf(src.task(taskIds[0] ?? '')));
  }
  const byAgent = groupBy(taskIds, (id) => src.task(id)?.agentId ?? '');
  if (byAgent.size < 2) return undefined;
  return [...byAgent]
    .map(([agentId, ids]) => ({ key: `${parentKey}/${outcome}/${agentId}`, label: agentId ? src.agentName(agentId) : 'no agent', outcome, agentId, taskIds: ids }))
    .sort((a, b) => b.taskIds.length - a.taskIds.length || a.label.localeCompare(b.label));
}

function outcomeOf(task: Task | undefined): HistoryOutcome {
  return task?.state === 'failed' || task?.state === 'cancelled' ? task.state : 'done';
}

function groupBy<K>(ids: readonly string[], keyOf: (id: string) => K): Map<K, string[]> {
  const groups = new Map<K, string[]>();
  for (const id of ids) {
    const key = keyOf(id);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(id);
  }
  return groups;
}
