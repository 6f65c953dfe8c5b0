/**
 * An enforced budget that is exceeded refuses a matching agent's new prompt through its prompt hook: the hook route
 * answers with `output` in the agent's own format, no task starts, and the refusal is recorded on the agent. One case
 * per agent whose prompt hook can refuse; Copilot CLI's cannot, and its prompts are only observed.
 */
import { strict as assert } from 'node:assert';
import { TrackerClient } from '../../../daemon/src/client/index.js';
import type { Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { TestClock } from '../support/testClock.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

interface HookAnswer {
  applied: number;
  output?: Record<string, unknown>;
}

interface Case {
  kind: string;
  /** A new prompt of session `s`, working in /work/app. */
  prompt(session: string, turn: string): Record<string, unknown>;
  /** What the hook prints to refuse it, given the reason. */
  refusal?: (reason: string) => Record<string, unknown>;
}

/** Agents without turn ids tell turns apart by time: each test turn gets its own. */
const turnNumber = (turn: string): number => turn.charCodeAt(turn.length - 1);

const CASES: Case[] = [
  {
    kind: 'claude-code',
    prompt: (s, t) => ({ session_id: s, hook_event_name: 'UserPromptSubmit', cwd: '/work/app', prompt_id: t, prompt: 'Fix the build\nplease' }),
    refusal: (reason) => ({ decision: 'block', reason }),
  },
  {
    kind: 'codex',
    prompt: (s, t) => ({ session_id: s, hook_event_name: 'UserPromptSubmit', cwd: '/work/app', turn_id: t, prompt: 'Fix the build' }),
    refusal: (reason) => ({ decision: 'block', reason }),
  },
  {
    kind: 'gemini-cli',
    prompt: (s, t) => ({ session_id: s, hook_event_name: 'BeforeAgent', cwd: '/work/app', timestamp: new Date(Date.parse('2026-12-09T12:00:00Z') + turnNumber(t) * 1000).toISOString(), prompt: 'Fix the build' }),
    refusal: (reason) => ({ decision: 'deny', reason }),
  },
  {
    kind: 'cursor',
    prompt: (s, t) => ({ conversation_id: s, generation_id: t, hook_event_name: 'beforeSubmitPrompt', workspace_roots: ['/work/app'], prompt: 'Fix the build' }),
    refusal: (reason) => ({ continue: false, user_message: reason }),
  },
  {
    kind: 'copilot-cli',
    prompt: (s, t) => ({ sessionId: s, timestamp: Date.parse('2026-12-09T12:00:00Z') + turnNumber(t), cwd: '/work/app', prompt: 'Fix the build', hookEventName: 'userPromptSubmitted' }),
  },
];

describe('budgets: refusing prompts over budget', () => {
  let d: TestDaemon;
  let client: TrackerClient;
  let clock: TestClock;

  beforeEach(async () => {
    clock = new TestClock({ frozen: true });
    clock.advance(Date.parse('2026-12-09T12:00:00.000Z') - clock.now());
    d = await startTestDaemon({ clock });
    client = new TrackerClient({ url: d.daemon.url, token: d.daemon.token });
  });
  afterEach(async () => {
    await d?.close();
  });

  const hook = async (kind: string, payload: Record<string, unknown>): Promise<HookAnswer> => {
    const res = await d.http.post<HookAnswer>(`/v1/hooks/${kind}`, payload, { headers: { 'x-observed-at': new Date(clock.now()).toISOString() } });
    assert.equal(res.status, 202, res.text);
    clock.advance(1000);
    return res.body;
  };
  const tasksOf = async (agentPrefix: string): Promise<Task[]> =>
    (await client.listTasks({ limit: 1000 })).items.filter((t) => t.agentId?.startsWith(agentPrefix));
  const events = async (type: string): Promise<TrackerEvent[]> =>
    (await client.events({ after: 0, limit: 1000 })).items.filter((e) => e.type === type);
  /** Runs up the spend of the session's agent past the limit. */
  const overspend = async (agentId: string, usd: number) => {
    const { results } = await client.ingest([{ op: 'usage', agentId, costUsd: usd, outputTokens: 1 }]);
    assert.ok(results[0]?.ok, JSON.stringify(results));
  };

  for (const c of CASES) {
    it(`${c.kind}: ${c.refusal ? 'refused in its own format while exceeded, let through once raised' : 'observed only: its hook cannot refuse'}`, async () => {
      const first = await hook(c.kind, c.prompt('s1', 'turn-1'));
      assert.equal(first.output, undefined, 'nothing refused while no budget is exceeded');
      const [agent] = (await client.listAgents()).items;
      assert.ok(agent, 'the session is an agent');
      const budget = await client.setBudget({ period: 'day', usd: 1, agentKind: c.kind, enforce: true });
      await overspend(agent.id, 1.5);
      assert.equal((await client.listBudgets()).items[0]?.state, 'exceeded');

      const answer = await hook(c.kind, c.prompt('s1', 'turn-2'));
      if (!c.refusal) {
        assert.equal(answer.output, undefined);
        assert.equal((await tasksOf(c.kind)).length, 2, 'the prompt started its turn');
        return;
      }
      const blocked = await events('budget.blocked');
      assert.equal(blocked.length, 1);
      const reason = (blocked[0]?.data as { reason: string }).reason;
      assert.match(reason, new RegExp(`budget ${budget.id} \\(day, ${c.kind} agents\\) is exceeded: \\$1\\.50 spent of \\$1\\.00`));
      assert.deepEqual(answer.output, c.refusal(reason));
      assert.equal(blocked[0]?.agentId, agent.id);
      assert.equal((blocked[0]?.data as { prompt?: string }).prompt, 'Fix the build');
      assert.equal((await tasksOf(c.kind)).length, 1, 'no task for the refused prompt');
      assert.ok(d.logLines.some((line) => line.includes(`a new prompt of ${agent.id} refused`)));

      // A warn-only budget of the same kind refuses nothing; raising the enforced one lets prompts through again.
      await client.setBudget({ period: 'day', usd: 2, agentKind: c.kind, enforce: true });
      const after = await hook(c.kind, c.prompt('s1', 'turn-3'));
      assert.equal(after.output, undefined);
      assert.equal((await tasksOf(c.kind)).length, 2);
    });
  }

  it('refuses only prompts of agents the budget covers, and only while its period lasts', async () => {
    await hook('claude-code', CASES[0]!.prompt('s1', 'turn-1'));
    await client.setBudget({ period: 'day', usd: 1, folder: '/work/app', enforce: true });
    await client.setBudget({ period: 'day', usd: 0.5, agentKind: 'codex' });
    await overspend('claude-code:s1', 2);
    // Another folder: not covered.
    const elsewhere = await hook('claude-code', { ...CASES[0]!.prompt('s2', 'turn-a'), cwd: '/work/other' });
    assert.equal(elsewhere.output, undefined);
    // An exceeded budget that only warns refuses nothing.
    await hook('codex', { ...CASES[1]!.prompt('c1', 'turn-b'), cwd: '/work/other' });
    await overspend('codex:c1', 1);
    assert.ok((await client.listBudgets()).items.every((b) => b.state === 'exceeded'));
    const codex = await hook('codex', { ...CASES[1]!.prompt('c1', 'turn-b2'), cwd: '/work/other' });
    assert.equal(codex.output, undefined);
    // A new session in the folder is refused from its first prompt.
    const fresh = await hook('claude-code', CASES[0]!.prompt('s3', 'turn-c'));
    assert.equal(fresh.output?.decision, 'block');
    assert.ok((await client.listAgents()).items.some((a) => a.id === 'claude-code:s3'), 'its session is still recorded');

    clock.advance(12 * 60 * 60 * 1000);
    const tomorrow = await hook('claude-code', CASES[0]!.prompt('s3', 'turn-d'));
    assert.equal(tomorrow.output, undefined, 'a new day, a new budget');
  });

  it('a prompt that arrives through the inbox or a batch was never waited on: its turn is recorded as it ran', async () => {
    await hook('claude-code', CASES[0]!.prompt('s1', 'turn-1'));
    await client.setBudget({ period: 'day', usd: 1, enforce: true });
    await overspend('claude-code:s1', 2);
    const { results } = await client.ingest([
      { op: 'hook', source: 'claude-code', payload: CASES[0]!.prompt('s1', 'turn-2'), at: new Date(clock.now()).toISOString() },
    ]);
    assert.ok(results[0]?.ok);
    assert.equal((await tasksOf('claude-code')).length, 2);
    assert.equal((await events('budget.blocked')).length, 0);
  });

  it('the same delivery again gets the same answer and changes nothing', async () => {
    await hook('claude-code', CASES[0]!.prompt('s1', 'turn-1'));
    await client.setBudget({ period: 'day', usd: 1, enforce: true });
    await overspend('claude-code:s1', 2);
    const at = new Date(clock.now()).toISOString();
    const payload = CASES[0]!.prompt('s1', 'turn-2');
    const once = await d.http.post<HookAnswer>('/v1/hooks/claude-code', payload, { headers: { 'x-observed-at': at } });
    const again = await d.http.post<HookAnswer>('/v1/hooks/claude-code', payload, { headers: { 'x-observed-at': at } });
    assert.equal(once.body.output?.decision, 'block');
    assert.deepEqual(again.body.output, once.body.output);
    assert.equal((await events('budget.blocked')).length, 1);
  });
});
