import assert from 'node:assert/strict';
import { ensureAgentClis } from '../../host/agentClis.js';
import { backgroundSubagents, nestedSubagents } from '../../host/recordHooks.js';
import { REAL_AGENT_KINDS } from '../../support/realAgents/agentLaunch.js';
import { FAKE_USAGE, type TurnScript } from '../../support/fakeModel/turnScript.js';
import { pollUntil } from '../../support/poll.js';
import { makeAgentWorld, type AgentWorld } from './agentWorld.js';
import { agentsOfKind, eventsOf, tasksOf, type AgentView, type TaskView } from './trackerView.js';

const PROMPT = 'Count the files in this folder\nand say how many there are.';
const SCRIPT: TurnScript = { command: 'ls -1 | wc -l', finalText: 'There are 0 files in this folder.' };

/** Polls until the session's agent and its single top-level task satisfy `ready`. */
async function session(world: AgentWorld, what: string, ready: (agent: AgentView, task: TaskView) => boolean, timeoutMs = 30_000) {
  return pollUntil(
    what,
    async () => {
      const [agent, ...others] = await agentsOfKind(world.http(), world.kind);
      if (agent === undefined) return undefined;
      assert.equal(others.length, 0, `one ${world.kind} agent, not ${others.length + 1}`);
      const tasks = await tasksOf(world.http(), agent.id);
      const top = tasks.filter((task) => task.parentId === null);
      const [task] = top;
      if (task === undefined || !ready(agent, task)) return undefined;
      return { agent, task, tasks, top };
    },
    timeoutMs,
    100,
  );
}

describe('real agents, hooks installed by `hooks install`', function () {
  this.timeout(6 * 60_000);

  before(async function () {
    // The first run on a machine installs the agent CLIs (about 750 MB from npm).
    this.timeout(20 * 60_000);
    await ensureAgentClis();
  });

  for (const kind of REAL_AGENT_KINDS) {
    it(`${kind}: the session is an agent, the prompt a task that records the shell call and ends done; offline after the session`, async () => {
      const world = await makeAgentWorld(kind, SCRIPT);
      try {
        const exit = await world.launch(PROMPT).exited;
        assert.equal(exit.code, 0, `${kind} failed: ${exit.stderr.slice(-2000)}`);
        const { agent, task, top } = await session(world, `${kind}: task done and agent offline`, (a, t) => t.state === 'done' && a.status === 'offline');
        assert.equal(top.length, 1, 'one prompt, one task');
        assert.equal(agent.meta.kind, kind);
        assert.equal(agent.meta.cwd, world.sandbox.workspace);
        assert.equal(task.title, 'Count the files in this folder');
        assert.equal(task.input?.prompt, PROMPT);
        assert.equal(task.triggerSource, kind);
        const events = await eventsOf(world.http(), task.id);
        const types = events.map((event) => event.type);
        assert.ok(types.includes('task.log') && JSON.stringify(events.filter((e) => e.type === 'task.log')).includes(SCRIPT.command), `the shell call is logged: ${types.join(', ')}`);
        assert.ok(
          events.some((event) => event.type === 'task.transitioned' && JSON.stringify(event.data).includes('"active"')),
          'the task went active before it ended',
        );
        if (kind === 'claude-code') {
          // Every fake reply reports the same counts: the task's usage is that times the requests, each counted once.
          const usage = task.usage;
          const modelCalls = world.model.requests.filter((r) => r.url.startsWith('/v1/messages')).length;
          assert.ok(usage !== null && usage.requests >= 2 && usage.requests <= modelCalls, `usage from the transcript: ${JSON.stringify(usage)}, ${modelCalls} model calls`);
          assert.equal(usage.inputTokens, usage.requests * FAKE_USAGE.inputTokens);
          assert.equal(usage.outputTokens, usage.requests * FAKE_USAGE.outputTokens);
          assert.equal(usage.cacheReadTokens, usage.requests * FAKE_USAGE.cacheReadTokens);
        }
      } finally {
        await world.close();
      }
    });
  }

  it('claude-code: a subagent becomes a subtask of the prompt’s task', async () => {
    const world = await makeAgentWorld('claude-code', {
      command: 'true',
      finalText: 'The helper printed the date.',
      subagent: { description: 'Print the date', prompt: 'Print the current date with the date command.', command: 'date -u +%F', finalText: 'Printed the date.' },
    });
    try {
      const exit = await world.launch('Ask a helper to print the date').exited;
      assert.equal(exit.code, 0, exit.stderr.slice(-2000));
      const { task, tasks } = await session(world, 'the turn done', (_a, t) => t.state === 'done');
      const subtasks = tasks.filter((t) => t.parentId === task.id);
      assert.equal(subtasks.length, 1, `one subtask: ${JSON.stringify(tasks.map((t) => [t.title, t.parentId]))}`);
      assert.equal(subtasks[0]?.state, 'done');
    } finally {
      await world.close();
    }
  });

  for (const scenario of [nestedSubagents, backgroundSubagents]) {
    const how = scenario === backgroundSubagents ? ', started in the background' : '';
    it(`claude-code: subagents nested three deep${how} are subtasks three deep, each with its own shell call, each done`, async () => {
      // Claude Code runs the installed hooks in the background, so they reach the daemon in any order; the subagent a
      // call starts is placed by that call's payload, which lands while the subagent waits for the model.
      const world = await makeAgentWorld('claude-code', { ...scenario.script, replyDelayMs: 1500 });
      try {
        const exit = await world.launch(scenario.prompt).exited;
        assert.equal(exit.code, 0, exit.stderr.slice(-2000));
        // In the background each subagent's end comes back to the main agent as a prompt (a turn) of its own.
        const tasks = await pollUntil('every task over', async () => {
          const [agent] = await agentsOfKind(world.http(), 'claude-code');
          const all = agent ? await tasksOf(world.http(), agent.id) : [];
          return all.length >= 4 && all.every((t) => t.state === 'done') ? all : undefined;
        }, 30_000, 100);
        const shape = JSON.stringify(tasks.map((t) => [t.title, t.parentId]));
        let parent = tasks.find((t) => t.parentId === null && t.input?.prompt === scenario.prompt);
        assert.ok(parent, shape);
        for (let level = scenario.script.subagent; level; level = level.subagent) {
          const children = tasks.filter((t) => t.parentId === parent?.id);
          assert.equal(children.length, 1, `one subtask of ${parent.title}: ${shape}`);
          const child = children[0] as TaskView;
          assert.deepEqual([child.title, child.result], [level.description, { message: level.finalText }]);
          const logs = (await eventsOf(world.http(), child.id)).filter((e) => e.type === 'task.log').map((e) => String((e.data as { message?: unknown }).message));
          assert.ok(logs.some((line) => line.startsWith(`Bash: ${level?.command} · ok`)), `its own shell call: ${logs.join(' | ')}`);
          parent = child;
        }
        assert.equal(tasks.filter((t) => t.parentId !== null).length, 3, shape);
      } finally {
        await world.close();
      }
    });
  }

  it('claude-code with the daemon stopped for the whole session: the agent is not slowed or failed, and the task appears once after the daemon starts', async () => {
    const world = await makeAgentWorld('claude-code', SCRIPT, { daemon: false });
    try {
      const exit = await world.launch(PROMPT).exited;
      assert.equal(exit.code, 0, exit.stderr.slice(-2000));
      assert.equal(exit.stdout.trim(), SCRIPT.finalText, 'the agent’s own answer, untouched by its hooks');
      await world.startDaemon();
      const { top } = await session(world, 'the spooled session ingested', (_a, t) => t.state === 'done');
      assert.equal(top.length, 1, 'exactly one task');
      assert.equal(top[0]?.title, 'Count the files in this folder');
    } finally {
      await world.close();
    }
  });

  it('claude-code killed with SIGKILL while its tool runs: agent offline, task stuck process_exited within seconds', async () => {
    // A long wait that is not a bare `sleep` (which Claude Code 2.1.332 refuses to run).
    const command = 'node -e "setTimeout(() => {}, 60000)"';
    const world = await makeAgentWorld('claude-code', { command, finalText: 'never' });
    try {
      const run = world.launch('Wait a minute');
      // The step names the running call once PreToolUse is in.
      await session(world, 'the tool running', (_a, t) => t.state === 'active' && (t.step ?? '').includes('setTimeout'), 90_000);
      process.kill(run.pid, 'SIGKILL');
      const killedAt = Date.now();
      const { task } = await session(world, 'offline and stuck', (a, t) => a.status === 'offline' && t.stuck !== null, 15_000);
      assert.equal(task.stuck?.reason, 'process_exited');
      assert.equal(task.state, 'active', 'stuck work keeps its state until someone resets it');
      assert.ok(Date.now() - killedAt < 15_000);
    } finally {
      await world.close();
    }
  });
});
