/** What the tests read back from the daemon about one agent session: its agent, its tasks, a task's events. */
import type { HttpClient } from '../support/http.js';

export interface AgentView {
  id: string;
  status: string;
  meta: { kind?: string; pid?: number; sessionId?: string; cwd?: string };
  usage?: UsageView | null;
}

export interface UsageView {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  requests: number;
  toolCalls: number;
}

export interface TaskView {
  id: string;
  title: string;
  state: string;
  agentId: string | null;
  parentId: string | null;
  step?: string;
  stuck: { since: string; reason: string } | null;
  triggerSource?: string | null;
  input?: { prompt?: string } | null;
  usage: UsageView | null;
  result?: unknown;
}

export interface EventView {
  type: string;
  data: unknown;
}

export async function agentsOfKind(http: HttpClient, kind: string): Promise<AgentView[]> {
  const { body } = await http.request<{ items: AgentView[] }>('GET', '/v1/agents');
  return body.items.filter((agent) => agent.id.startsWith(`${kind}:`));
}

export async function tasksOf(http: HttpClient, agentId: string): Promise<TaskView[]> {
  const { body } = await http.request<{ items: TaskView[] }>('GET', `/v1/tasks?agentId=${encodeURIComponent(agentId)}&limit=1000`);
  return body.items;
}

export async function eventsOf(http: HttpClient, taskId: string): Promise<EventView[]> {
  const { body } = await http.request<{ items: EventView[] }>('GET', `/v1/tasks/${encodeURIComponent(taskId)}/events?limit=1000`);
  return body.items;
}
