/**
 * Model usage: the `usage` op adds token counts, cost and requests to a task and to its agent, or to an agent outside
 * any task; a model request named twice (a transcript and OTLP both report it) counts once, also after a restart.
 */
import { strict as assert } from 'node:assert';
import type { Agent, Task, Usage } from '../../../daemon/src/protocol/index.js';
import { assertReplayConsistent } from '../support/replayLaw.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

interface BatchResult {
  ok: boolean;
  error?: { code: string };
}

describe('usage: tokens and cost on tasks and agents', () => {
  let d: TestDaemon;
  beforeEach(async () => {
    d = await startTestDaemon();
    await d.http.ok(d.http.post('/v1/tasks', { id: 'turn-1', title: 'Fix the build', state: 'active', agentId: 'coder' }));
  });
  afterEach(async () => {
    await d?.close();
  });

  const batch = async (lines: unknown[]) =>
    (await d.http.ok(d.http.post<{ results: BatchResult[] }>('/v1/events', lines))).results;
  const task = () => d.http.ok(d.http.get<Task>('/v1/tasks/turn-1'));
  const agent = async (id: string) =>
    (await d.http.ok(d.http.get<{ items: Agent[] }>('/v1/agents'))).items.find((a) => a.id === id);

  it('starts as null, sums reports on the task and on its agent, and keeps the latest model', async () => {
    assert.equal((await task()).usage, null);
    assert.equal((await agent('coder'))?.usage, null);
    const results = await batch([
      { op: 'usage', taskId: 'turn-1', inputTokens: 1200, outputTokens: 300, cacheReadTokens: 5000, costUsd: 0.0123, requestId: 'req_a', model: 'claude-sonnet-4-5' },
      { op: 'usage', taskId: 'turn-1', inputTokens: 800, outputTokens: 100, cacheWriteTokens: 40, costUsd: 0.0011, requestId: 'req_b', toolCalls: 1, model: 'claude-haiku-4-5' },
    ]);
    assert.deepEqual(results.map((r) => r.ok), [true, true]);
    const expected: Usage = {
      inputTokens: 2000, outputTokens: 400, cacheReadTokens: 5000, cacheWriteTokens: 40,
      costUsd: 0.0134, requests: 2, toolCalls: 1, model: 'claude-haiku-4-5',
    };
    assert.deepEqual((await task()).usage, expected);
    assert.deepEqual((await agent('coder'))?.usage, expected);
    await assertReplayConsistent(d.http, 'turn-1');
  });

  it('counts a model request once, whichever source reports it again, also after a restart', async () => {
    const report = { op: 'usage', taskId: 'turn-1', inputTokens: 100, outputTokens: 10, requestId: 'req_same' };
    await batch([report, { ...report, inputTokens: 999 }]);
    const once = (await task()).usage;
    assert.deepEqual([once?.inputTokens, once?.outputTokens, once?.requests], [100, 10, 1]);

    await d.stop();
    d = await startTestDaemon({ home: d.home });
    await batch([report]);
    assert.deepEqual((await task()).usage, once);
    assert.deepEqual((await agent('coder'))?.usage, once);
  });

  it('without a request id every report counts, and requests only as many as it says', async () => {
    await batch([
      { op: 'usage', taskId: 'turn-1', outputTokens: 5 },
      { op: 'usage', taskId: 'turn-1', outputTokens: 5, requests: 2 },
    ]);
    const usage = (await task()).usage;
    assert.deepEqual([usage?.outputTokens, usage?.requests], [10, 2]);
  });

  it('lands on an agent outside any task, and the agent sums both', async () => {
    await batch([
      { op: 'usage', agentId: 'coder', inputTokens: 50, requestId: 'req_outside' },
      { op: 'usage', taskId: 'turn-1', inputTokens: 7, requestId: 'req_inside' },
    ]);
    assert.deepEqual([(await agent('coder'))?.usage?.inputTokens, (await task()).usage?.inputTokens], [57, 7]);
    // An agent first named by a usage report is registered by it.
    await batch([{ op: 'usage', agentId: 'fresh', costUsd: 0.5 }]);
    assert.equal((await agent('fresh'))?.usage?.costUsd, 0.5);
  });

  it('refuses a report without a target or with bad counts, and changes nothing', async () => {
    const seq = d.daemon.tracker.state.seq;
    const results = await batch([
      { op: 'usage', inputTokens: 5 },
      { op: 'usage', taskId: 'turn-1', inputTokens: -1 },
      { op: 'usage', taskId: 'turn-1', costUsd: 'free' },
      { op: 'usage', taskId: 'no-such-task', inputTokens: 1 },
    ]);
    assert.deepEqual(results.map((r) => r.error?.code), ['validation_failed', 'validation_failed', 'validation_failed', 'not_found']);
    assert.equal(d.daemon.tracker.state.seq, seq);
    assert.equal((await task()).usage, null);
  });
});
