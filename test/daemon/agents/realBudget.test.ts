/**
 * An enforced budget against the real Claude Code: a session spends past the limit (priced by the home's price file,
 * since the fake model's id has no built-in price), and the next prompt is refused by its prompt hook: the fake model
 * receives no request for it, no task starts, and the refusal is recorded on the agent.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Budget, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { ensureAgentClis } from '../../host/agentClis.js';
import { pollUntil } from '../../support/poll.js';
import { makeAgentWorld } from './agentWorld.js';
import { agentsOfKind, tasksOf } from './trackerView.js';

describe('real agents: a budget exceeded by a real session', function () {
  this.timeout(6 * 60_000);

  before(async function () {
    this.timeout(20 * 60_000);
    await ensureAgentClis();
  });

  it('claude-code: the next prompt is refused by its prompt hook; the fake model receives no request for it', async () => {
    const world = await makeAgentWorld('claude-code', { command: 'ls -1 | wc -l', finalText: 'There are 0 files.' }, { daemon: false });
    try {
      // Every Claude model at $10,000 per million tokens: one turn of the fake model costs a few dollars.
      mkdirSync(world.trackerHome, { recursive: true });
      writeFileSync(path.join(world.trackerHome, 'prices.json'), JSON.stringify({ claude: { input: 10_000, output: 10_000 } }));
      await world.startDaemon();
      const http = world.http();
      const set = await http.post<Budget>('/v1/budgets', { period: 'day', usd: 1, agentKind: 'claude-code', enforce: true });
      assert.equal(set.status, 201, set.text);

      const first = await world.launch('Count the files in this folder').exited;
      assert.equal(first.code, 0, first.stderr.slice(-2000));
      const exceeded = await pollUntil(
        'the session to exceed the budget',
        async () => {
          const { body } = await http.request<{ items: Budget[] }>('GET', '/v1/budgets');
          return body.items[0]?.state === 'exceeded' ? body.items[0] : undefined;
        },
        30_000,
        100,
      );
      assert.ok(exceeded.spentUsd > 1);
      // Model requests only: Claude Code also probes its API's address with a HEAD at start.
      const modelRequests = () => world.model.requests.filter((r) => r.method === 'POST' && r.url.startsWith('/v1/messages')).length;
      const requestsBefore = modelRequests();
      assert.ok(requestsBefore >= 2, 'the first turn reached the model');

      const second = await world.launch('Now count them again').exited;
      assert.equal(modelRequests(), requestsBefore, 'the fake model received no request for the refused prompt');
      assert.match(second.stdout, new RegExp(`UserPromptSubmit operation blocked by hook:\\s+Agent Tracker budget ${exceeded.id} `), 'the agent shows the reason naming the budget');

      const blocked = await pollUntil(
        'the refusal recorded',
        async () => {
          const { body } = await http.request<{ items: TrackerEvent[] }>('GET', '/v1/events?limit=1000');
          return body.items.find((e) => e.type === 'budget.blocked');
        },
        15_000,
        100,
      );
      assert.equal((blocked.data as { budgetId: string }).budgetId, exceeded.id);
      const agents = await agentsOfKind(http, 'claude-code');
      const tasks = (await Promise.all(agents.map((a) => tasksOf(http, a.id)))).flat().filter((t) => t.parentId === null);
      assert.deepEqual(tasks.map((t) => t.title), ['Count the files in this folder'], 'no task for the refused prompt');
    } finally {
      await world.close();
    }
  });
});
