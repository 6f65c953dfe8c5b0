// The world the sidebar is tested against: two agents and tasks in every state a user must be able to tell apart.
import type { DaemonApi, TaskView } from './daemonApi.js';
import { pollUntil } from '../support/poll.js';
import { UI_INTERVAL_MS, UI_TIMEOUT_MS } from './uiWait.js';

export const agents = {
  builder: { id: 'e2e-builder', name: 'Builder Agent' },
  reviewer: { id: 'e2e-reviewer', name: 'Reviewer Agent' },
} as const;

export const tasks = {
  active: { id: 'e2e-active', title: 'Refactor the query parser' },
  stuck: { id: 'e2e-stuck', title: 'Migrate the user table' },
  blocker: { id: 'e2e-blocker', title: 'Design the import schema' },
  blocked: { id: 'e2e-blocked', title: 'Write the CSV importer' },
  failed: { id: 'e2e-failed', title: 'Deploy the preview build' },
  finished: { id: 'e2e-finished', title: 'Update the changelog' },
} as const;

export async function seedScenario(api: DaemonApi): Promise<void> {
  for (const agent of Object.values(agents)) {
    await api.request('POST', `/v1/agents/${agent.id}/heartbeat`, { name: agent.name, capabilities: ['development'] });
  }
  await api.request('POST', '/v1/tasks', { ...tasks.active, state: 'active', agentId: agents.builder.id, type: 'development' });
  await api.request('POST', '/v1/tasks', { ...tasks.blocker, priority: 7 });
  await api.request('POST', '/v1/tasks', { ...tasks.blocked, dependsOn: [{ taskId: tasks.blocker.id, state: 'done' }] });

  await api.request('POST', '/v1/tasks', { ...tasks.failed, state: 'active', agentId: agents.builder.id });
  await api.request('POST', `/v1/tasks/${tasks.failed.id}/transition`, {
    to: 'failed',
    error: { message: 'preview deploy exited with status 1' },
  });
  await api.request('POST', '/v1/tasks', { ...tasks.finished, state: 'active', agentId: agents.reviewer.id });
  await api.request('POST', `/v1/tasks/${tasks.finished.id}/transition`, { to: 'done', result: { entries: 3 } });

  // Stuck the way it happens for real: a claim whose lease the agent never renews.
  await api.request('POST', '/v1/tasks', tasks.stuck);
  await api.request('POST', `/v1/tasks/${tasks.stuck.id}/claim`, { agentId: agents.reviewer.id, leaseMs: 1000 });
  // A claim leaves the task assigned; its holder starts it under the same lease.
  await api.request('POST', `/v1/tasks/${tasks.stuck.id}/transition`, { to: 'active', agentId: agents.reviewer.id });
  await pollUntil('the unrenewed claim to be flagged stuck', async () => {
    const task = await api.task(tasks.stuck.id);
    return task.stuck !== null ? task : undefined;
  }, UI_TIMEOUT_MS, UI_INTERVAL_MS);
  const blocked: TaskView = await api.task(tasks.blocked.id);
  if (!blocked.blocked) throw new Error(`${tasks.blocked.id} should be blocked by ${tasks.blocker.id}`);
}
