/**
 * One line of words for a task or an agent, from the same plain-words helpers the extension's rows use ("waiting for
 * permission: …", "lease expired", "blocked by …").
 */
import { formatAgo } from '../extension/src/model/format.js';
import { folderBesideName } from '../extension/src/model/agentTree.js';
import { agentKindName, agentLabel, blockedByText, needsInputOf, needsInputText, oneLine, shortTag, stateText, stuckReasonText } from '../extension/src/model/plainWords.js';
import type { Agent, Task } from '#protocol';

export interface RowSources {
  agent: (id: string) => Agent | undefined;
  task(id: string): Task | undefined;
  blockers(task: Task): string[];
  hasTwin(taskId: string): boolean;
  now: number;
}

export function taskTitle(task: Task, src: RowSources): string {
  return src.hasTwin(task.id) ? `${oneLine(task.title, 200)} ${shortTag(task.id)}` : oneLine(task.title, 200);
}

export function taskDescription(task: Task, src: RowSources): string {
  const parts: string[] = [];
  const needs = needsInputOf(task);
  if (needs) parts.push(needsInputText(needs, 160));
  else if (task.stuck) parts.push(`stuck: ${stuckReasonText(task.stuck.reason)}`);
  else parts.push(stateText(task.state));
  const blockers = src.blockers(task);
  if (blockers.length && (task.state === 'pending' || task.state === 'backlog')) {
    parts.push(blockedByText(blockers.map((id) => src.task(id)?.title ?? 'a task not known here')));
  }
  const who = agentLabel(task.agentId, src.agent);
  if (who) parts.push(oneLine(who, 60));
  if (task.state === 'active' && task.step && !needs) parts.push(oneLine(task.step, 80));
  if (task.state === 'active' && task.progress > 0) parts.push(`${task.progress}%`);
  parts.push(formatAgo(task.updatedAt, src.now));
  return parts.filter(Boolean).join(' · ');
}

export function agentDescription(agent: Agent, status: string, step: string | undefined, open: number, now: number): string {
  const parts = [status];
  const kind = agentKindName(agent.meta.kind);
  if (kind) parts.push(oneLine(kind, 40));
  const folder = folderBesideName(agent);
  if (folder) parts.push(folder);
  if (step) parts.push(oneLine(step, 80));
  if (open) parts.push(`${open} open`);
  parts.push(`seen ${formatAgo(agent.lastSeenAt, now)}`);
  return parts.join(' · ');
}
