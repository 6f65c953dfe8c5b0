/** Usage and cost end to end through the CLI: summed on tasks and agents, per agent and day in stats, and shown. */
import assert from 'node:assert/strict';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';
import { runCli } from '../support/runCli.js';

describe('cli: usage in status and task show', function () {
  this.timeout(60_000);
  const daemon = useDaemonProcess();
  const cli = (...args: string[]) => runCli([...args, '--home', daemon.home]);

  before(async () => {
    const { client } = daemon;
    await client.createTask({ id: 'turn-a', title: 'Refactor', state: 'active', agentId: 'claude-code:s1' });
    const report = { op: 'usage', taskId: 'turn-a', model: 'claude-sonnet-4-5' } as const;
    await client.apply({ ...report, inputTokens: 12_000, outputTokens: 800, cacheReadTokens: 50_000, costUsd: 0.25, requestId: 'claude-code:s1:req_1' });
    await client.apply({ ...report, inputTokens: 3000, outputTokens: 200, costUsd: 0.05, requestId: 'claude-code:s1:req_2' });
    // The same model request again (another source): counted once.
    await client.apply({ ...report, inputTokens: 3000, outputTokens: 200, costUsd: 0.05, requestId: 'claude-code:s1:req_2' });
    await client.apply({ op: 'usage', agentId: 'codex:c1', inputTokens: 100, outputTokens: 10, costUsd: 0.01, requestId: 'codex:c1:r1' });
  });

  it('GET /v1/stats sums usage per agent and per day', async () => {
    const stats = (await daemon.client.stats()) as unknown as {
      usage: { total: { inputTokens: number; costUsd: number }; byAgent: Record<string, { requests: number; costUsd: number }>; byDay: Record<string, { total: { costUsd: number }; byAgent: Record<string, { costUsd: number }> }> };
    };
    assert.equal(stats.usage.total.inputTokens, 15_100);
    assert.equal(stats.usage.total.costUsd, 0.31);
    assert.equal(stats.usage.byAgent['claude-code:s1']?.requests, 2);
    assert.equal(stats.usage.byAgent['codex:c1']?.costUsd, 0.01);
    const today = stats.usage.byDay[new Date().toISOString().slice(0, 10)];
    assert.equal(today?.total.costUsd, 0.31);
    assert.equal(today?.byAgent['claude-code:s1']?.costUsd, 0.3);
  });

  it('task show prints the task\'s tokens, cost, requests and model', async () => {
    const result = await cli('task', 'show', 'turn-a');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /usage:\s+15\.0k in, 1000 out, 50\.0k cache read · \$0\.3000 · 2 requests, 0 tool calls · claude-sonnet-4-5/);
  });

  it('status prints the total, today and each agent\'s usage', async () => {
    const result = await cli('status');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /usage\s+15\.1k in, 1010 out, 50\.0k cache read · \$0\.3100 · 3 requests/);
    assert.match(result.stdout, /today: 15\.1k in/);
    assert.match(result.stdout, /claude-code:s1: 15\.0k in, 1000 out, 50\.0k cache read · \$0\.3000/);
    assert.match(result.stdout, /codex:c1: 100 in, 10 out · \$0\.0100 · 1 request, 0 tool calls/);
  });
});
