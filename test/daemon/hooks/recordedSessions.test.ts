/**
 * The adapters against real agents' recorded hook payloads (Claude Code, Codex, Gemini CLI), through the daemon's
 * `POST /v1/hooks/:kind` as the forwarder sends them: each session becomes an agent, each prompt a task that records
 * its tool calls and ends done with the last message, with usage from the transcript, and the agent is offline once
 * the session ended. Repeated payloads change nothing.
 */
import { strict as assert } from 'node:assert';
import { hostname } from 'node:os';
import type { Agent, Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { pollUntil } from '../../support/poll.js';
import { assertReplayConsistent } from '../support/replayLaw.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';
import { RECORDED_PID as PID, loadSession, replaySession, type RecordedEvent } from './recordedSession.js';

interface Expected {
  agent: string;
  scenario: string;
  displayName: string;
  model?: string;
  /** The log line of the shell call, and its level. */
  toolLog: RegExp;
  toolLevel: 'info' | 'warn';
  /** Usage summed from the transcript (tokens of each request; cost 0: the fake model has no price). */
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; requests: number; toolCalls: number; unpricedRequests: number };
}

const CASES: Expected[] = [
  {
    agent: 'claude-code', scenario: 'bash-turn', displayName: 'Claude Code',
    toolLog: /^Bash: ls -1 \| wc -l · ok in 65 ms$/, toolLevel: 'info',
    usage: { inputTokens: 240, outputTokens: 60, cacheReadTokens: 800, cacheWriteTokens: 120, requests: 2, toolCalls: 1, unpricedRequests: 2 },
  },
  {
    agent: 'claude-code', scenario: 'failing-tool', displayName: 'Claude Code',
    toolLog: /^Bash: echo broken >&2; exit 3 · failed in 44 ms: Exit code 3 broken$/, toolLevel: 'warn',
    usage: { inputTokens: 240, outputTokens: 60, cacheReadTokens: 800, cacheWriteTokens: 120, requests: 2, toolCalls: 1, unpricedRequests: 2 },
  },
  {
    agent: 'codex', scenario: 'bash-turn', displayName: 'Codex', model: 'gpt-5-codex',
    toolLog: /^Bash: ls -1 \| wc -l · done in 219 ms$/, toolLevel: 'info',
    usage: { inputTokens: 240, outputTokens: 60, cacheReadTokens: 800, cacheWriteTokens: 0, requests: 2, toolCalls: 1, unpricedRequests: 2 },
  },
  {
    agent: 'codex', scenario: 'failing-tool', displayName: 'Codex', model: 'gpt-5-codex',
    // Codex hands hooks the output only: how the call went is not known, so it is logged as done, not as ok.
    toolLog: /^Bash: echo broken >&2; exit 3 · done in 161 ms$/, toolLevel: 'info',
    usage: { inputTokens: 240, outputTokens: 60, cacheReadTokens: 800, cacheWriteTokens: 0, requests: 2, toolCalls: 1, unpricedRequests: 2 },
  },
  {
    agent: 'gemini-cli', scenario: 'bash-turn', displayName: 'Gemini CLI', model: 'gemini-3.1-pro-preview',
    toolLog: /^Shell: ls -1 \| wc -l · ok in 222 ms$/, toolLevel: 'info',
    usage: { inputTokens: 240, outputTokens: 60, cacheReadTokens: 800, cacheWriteTokens: 0, requests: 2, toolCalls: 1, unpricedRequests: 2 },
  },
  {
    agent: 'gemini-cli', scenario: 'failing-tool', displayName: 'Gemini CLI', model: 'gemini-3.1-pro-preview',
    toolLog: /^Shell: echo broken >&2; exit 3 · failed in 291 ms: exit code 3: broken$/, toolLevel: 'warn',
    usage: { inputTokens: 240, outputTokens: 60, cacheReadTokens: 800, cacheWriteTokens: 0, requests: 2, toolCalls: 1, unpricedRequests: 2 },
  },
];

describe('hooks: recorded sessions of real agents', () => {
  let d: TestDaemon;
  beforeEach(async () => {
    d = await startTestDaemon();
  });
  afterEach(async () => {
    await d?.close();
  });

  const agents = async () => (await d.http.ok(d.http.get<{ items: Agent[] }>('/v1/agents'))).items;
  const tasks = async () => (await d.http.ok(d.http.get<{ items: Task[] }>('/v1/tasks'))).items;
  const events = async (id: string) => (await d.http.ok(d.http.get<{ items: TrackerEvent[] }>(`/v1/tasks/${id}/events`))).items;

  for (const expected of CASES) {
    it(`${expected.agent} ${expected.scenario}: agent, task, tool call, result, usage, offline`, async () => {
      const session = loadSession(expected.agent, expected.scenario);
      await replaySession(d, session);
      await d.daemon.hooks.idle();

      const [agent] = await agents();
      assert.ok(agent);
      assert.equal(agent.id, `${expected.agent}:${session.sessionId}`);
      assert.equal(agent.name, `${expected.displayName} · project`);
      assert.deepEqual(
        { ...agent.meta },
        { kind: expected.agent, host: hostname(), pid: PID, cwd: '/sandbox/project', sessionId: session.sessionId, ...(expected.model ? { model: expected.model } : {}) },
      );
      assert.equal(agent.status, 'offline');

      const [task] = await tasks();
      assert.ok(task);
      assert.equal(task.title, session.prompt.split('\n')[0]);
      assert.equal(task.input.prompt, session.prompt);
      assert.deepEqual([task.state, task.agentId, task.jobType, task.triggerSource], ['done', agent.id, 'manual', expected.agent]);
      const last = [...session.events].reverse().find((e) => e.payload.last_assistant_message || e.payload.prompt_response)?.payload;
      assert.deepEqual(task.result, { message: last?.last_assistant_message ?? last?.prompt_response });
      assert.match(task.step, /^(Bash|Shell): /);

      const logs = (await events(task.id)).filter((e) => e.type === 'task.log');
      assert.equal(logs.length, 1, JSON.stringify(logs));
      assert.match(String(logs[0]?.data.message), expected.toolLog);
      assert.equal(logs[0]?.data.level, expected.toolLevel);

      const usage = await pollUntil('usage from the transcript', async () => {
        const current = (await d.http.ok(d.http.get<Task>(`/v1/tasks/${task.id}`))).usage;
        return current && current.requests >= expected.usage.requests ? current : undefined;
      });
      assert.deepEqual({ ...usage, model: undefined, costUsd: undefined }, { ...expected.usage, model: undefined, costUsd: undefined });
      assert.equal(usage.costUsd, 0, 'the fake model has no price: its requests are counted as unpriced');
      assert.deepEqual((await agents())[0]?.usage, usage);
      await assertReplayConsistent(d.http, task.id);
    });
  }

  it('claude-code subagent: its work is a subtask of the turn, done with its own last message', async () => {
    const session = loadSession('claude-code', 'subagent');
    await replaySession(d, session);
    await d.daemon.hooks.idle();
    const all = await tasks();
    const turn = all.find((t) => t.parentId === null);
    const sub = all.find((t) => t.parentId !== null);
    assert.ok(turn && sub, JSON.stringify(all.map((t) => [t.id, t.parentId])));
    assert.equal(sub.parentId, turn.id);
    assert.deepEqual([sub.title, sub.state, sub.result], ['Print the date', 'done', { message: 'Printed the date.' }]);
    assert.deepEqual([turn.state, turn.result], ['done', { message: 'The helper printed the date.' }]);
    const subLogs = (await events(sub.id)).filter((e) => e.type === 'task.log').map((e) => e.data.message);
    assert.deepEqual(subLogs, ['Bash: date -u +%F · ok in 35 ms']);
    const turnLogs = (await events(turn.id)).filter((e) => e.type === 'task.log').map((e) => String(e.data.message));
    assert.equal(turnLogs.length, 1);
    assert.match(turnLogs[0] ?? '', /^Agent: Print the date · ok in \d+ ms$/);
    for (const task of all) await assertReplayConsistent(d.http, task.id);
  });

  const nested = [
    { scenario: 'nested-subagents', overtaken: false, how: '' },
    { scenario: 'nested-subagents', overtaken: true, how: ', each start delivered before the call that made it' },
    // Each Agent call returns at once, and each subagent's end comes back to the main agent as a prompt of its own.
    { scenario: 'background-subagents', overtaken: false, how: ' in the background' },
  ];
  for (const { scenario, overtaken, how } of nested) {
    it(`claude-code nested subagents${how}: each subagent a subtask of the one that started it, three deep, each with its own call and stop`, async () => {
      const session = loadSession('claude-code', scenario);
      // Hooks that run in the background reach the daemon in any order: a SubagentStart may overtake its Agent call.
      await replaySession(d, overtaken ? { ...session, events: startsFirst(session.events) } : session);
      await d.daemon.hooks.idle();
      const all = await tasks();
      const turn = all.find((t) => t.parentId === null && t.title === session.prompt);
      assert.ok(turn);
      const childOf = (parent: Task) => {
        const children = all.filter((t) => t.parentId === parent.id);
        assert.equal(children.length, 1, `one subtask of ${parent.title}: ${JSON.stringify(all.map((t) => [t.title, t.parentId]))}`);
        return children[0] as Task;
      };
      const one = childOf(turn);
      const two = childOf(one);
      const three = childOf(two);
      const prompts = session.events.filter((e) => e.payload.hook_event_name === 'UserPromptSubmit').length;
      assert.equal(all.length, 3 + prompts, 'the prompts, the three subagents, nothing else');
      assert.deepEqual(
        [turn, one, two, three].map((t) => [t.title, t.state, t.result]),
        [
          [session.prompt, 'done', { message: 'The helpers checked the folder.' }],
          ['Check the folder', 'done', { message: 'Level one done.' }],
          ['Check the disk', 'done', { message: 'Level two done.' }],
          ['Print the date', 'done', { message: 'Level three done.' }],
        ],
      );
      const logs = async (task: Task) => (await events(task.id)).filter((e) => e.type === 'task.log').map((e) => String(e.data.message).replace(/ \d+ ms$/, ' N ms'));
      assert.deepEqual(await logs(turn), ['Agent: Check the folder · ok in N ms']);
      assert.deepEqual(await logs(one), ['Bash: ls -a · ok in N ms', 'Agent: Check the disk · ok in N ms']);
      assert.deepEqual(await logs(two), ['Bash: du -s . · ok in N ms', 'Agent: Print the date · ok in N ms']);
      assert.deepEqual(await logs(three), ['Bash: date -u +%F · ok in N ms']);
      // Each level is done when its own stop arrives: in the foreground the innermost first, in the background the
      // outermost (each ends once it has launched the next).
      const doneAt = async (task: Task) => (await events(task.id)).find((e) => e.type === 'task.transitioned' && e.data.to === 'done')?.seq ?? -1;
      const order = await Promise.all((scenario === 'background-subagents' ? [turn, one, two, three] : [three, two, one, turn]).map(doneAt));
      assert.deepEqual([...order].sort((a, b) => a - b), order);
      for (const task of all) await assertReplayConsistent(d.http, task.id);
    });
  }

  it('a whole session sent twice (the forwarder retried, then the spool) is applied once', async () => {
    const session = loadSession('claude-code', 'bash-turn');
    await replaySession(d, session);
    const task = (await tasks())[0];
    await pollUntil('usage', async () => ((await d.http.ok(d.http.get<Task>(`/v1/tasks/${task?.id}`))).usage?.requests === 2 ? true : undefined));
    await d.daemon.hooks.idle();
    const seq = d.daemon.tracker.state.seq;
    await replaySession(d, session);
    await d.daemon.hooks.idle();
    assert.equal(d.daemon.tracker.state.seq, seq, 'no event from the repeats');
    const stats = (await d.http.ok(d.http.get<{ hooks: { duplicate: number } }>('/v1/stats'))).hooks;
    assert.equal(stats.duplicate, session.events.length);
  });

  it('ordered by observation time: the session end that overtook the turn end does not cancel the turn', async () => {
    const session = loadSession('claude-code', 'bash-turn');
    const names = session.events.map((e) => e.payload.hook_event_name);
    const stop = names.indexOf('Stop');
    const end = names.indexOf('SessionEnd');
    const overtaken = [...session.events];
    [overtaken[stop], overtaken[end]] = [overtaken[end] as never, overtaken[stop] as never];
    await replaySession(d, { ...session, events: overtaken });
    await d.daemon.hooks.idle();
    const [task] = await tasks();
    assert.deepEqual([task?.state, task?.result], ['done', { message: 'There are 0 files in this folder.' }]);
    assert.equal((await agents())[0]?.status, 'offline');
  });

  it('a session resumed right after its end (a payload observed later) stays online; an end alone ends it', async () => {
    const session = loadSession('claude-code', 'bash-turn');
    const upToEnd = session.events.slice(0, session.events.findIndex((e) => e.payload.hook_event_name === 'SessionEnd') + 1);
    await replaySession(d, { ...session, events: upToEnd });
    const resumedAt = new Date(Date.parse(upToEnd.at(-1)?.observedAt ?? '') + 500).toISOString();
    await d.http.post('/v1/hooks/claude-code', { ...upToEnd[0]?.payload, source: 'resume' }, { headers: { 'x-observed-at': resumedAt } });
    await d.daemon.hooks.idle();
    assert.notEqual((await agents())[0]?.status, 'offline');

    const later = new Date(Date.parse(resumedAt) + 60_000).toISOString();
    await d.http.post('/v1/hooks/claude-code', { ...upToEnd.at(-1)?.payload }, { headers: { 'x-observed-at': later } });
    await d.daemon.hooks.idle();
    assert.equal((await agents())[0]?.status, 'offline');
  });

  it('a permission prompt pauses the turn with what it waits for; the tool call going on clears it', async () => {
    const session = loadSession('claude-code', 'bash-turn');
    const byName = (name: string) => session.events.find((e) => e.payload.hook_event_name === name) as (typeof session.events)[number];
    const pre = byName('PreToolUse');
    const permission = {
      ...pre,
      observedAt: new Date(Date.parse(pre.observedAt) + 1).toISOString(),
      payload: { ...pre.payload, hook_event_name: 'Notification', notification_type: 'permission_prompt', message: 'Claude needs your permission to use Bash' },
    };
    await replaySession(d, { ...session, events: [byName('SessionStart'), byName('UserPromptSubmit'), pre, permission] });
    const waiting = (await tasks())[0];
    assert.deepEqual([waiting?.state, waiting?.needsInput?.kind, waiting?.needsInput?.message], ['paused', 'permission', 'Claude needs your permission to use Bash']);
    assert.equal((await agents())[0]?.status, 'online');
    await replaySession(d, { ...session, events: [byName('PostToolUse')] });
    const going = (await tasks())[0];
    assert.deepEqual([going?.state, going?.needsInput], ['active', null]);
    await assertReplayConsistent(d.http, going?.id ?? '');
  });

  it('codex notify alone (hooks off) makes and ends the turn', async () => {
    const session = loadSession('codex', 'bash-turn');
    const notify = session.events.find((e) => e.via === 'notify');
    assert.ok(notify);
    await d.http.post('/v1/hooks/codex', notify.payload, { headers: { 'x-observed-at': notify.observedAt } });
    const [task] = await tasks();
    assert.deepEqual([task?.title, task?.state, task?.result], ['Count the files in this folder', 'done', { message: 'There are 0 files in this folder.' }]);
    await assertReplayConsistent(d.http, task?.id ?? '');
  });
});

/** The events with every SubagentStart moved before the Agent call just ahead of it. */
function startsFirst(events: RecordedEvent[]): RecordedEvent[] {
  const out = [...events];
  for (let i = 1; i < out.length; i += 1) {
    const call = out[i - 1] as RecordedEvent;
    if (out[i]?.payload.hook_event_name === 'SubagentStart' && call.payload.tool_name === 'Agent') [out[i - 1], out[i]] = [out[i] as RecordedEvent, call];
  }
  return out;
}
