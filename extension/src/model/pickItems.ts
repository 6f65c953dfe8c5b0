/**
 * What quick picks show of a task or an agent. Quick picks render `$(name)` as an icon in labels, descriptions and
 * details, so agent text goes through `iconSafeText`. No `vscode` here.
 */
import { formatAgo } from './format.js';
import { iconSafeText } from './plainText.js';
import { oneLine, stateText, stuckReasonText } from './plainWords.js';
import type { Agent, Task } from './protocol.js';

export interface PickText {
  label: string;
  description?: string;
  detail?: string;
}

export function taskPickText(task: Task, agentName: string, now: number): PickText {
  const why = task.stuck ? `stuck: ${stuckReasonText(task.stuck.reason)}` : '';
  return {
    label: iconSafeText(oneLine(task.title, 200)),
    description: iconSafeText([stateText(task.state), why, oneLine(agentName, 80)].filter(Boolean).join(' · ')),
    detail: `updated ${formatAgo(task.updatedAt, now)}`,
  };
}

export function agentPickText(agent: Agent): PickText {
  return { label: iconSafeText(oneLine(agent.name || agent.id, 120)), description: agent.status, detail: iconSafeText(oneLine(agent.id, 200)) };
}

/** A value an agent chose (its id, a tag): shown as text. */
export function valuePickText(value: string): PickText {
  return { label: iconSafeText(oneLine(value, 200)) };
}
