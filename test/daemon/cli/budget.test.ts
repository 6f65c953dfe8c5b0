import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { Budget } from '../../../daemon/src/protocol/index.js';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';
import { runCli } from '../support/runCli.js';

describe('cli: budget set, list and rm', function () {
  // Each CLI call is a fresh Node process; on a loaded machine a handful of them take seconds.
  this.timeout(60_000);
  const daemon = useDaemonProcess();
  const cli = (...args: string[]) => runCli([...args, '--home', daemon.home]);

  it('sets, raises, lists (with what has no price) and removes a budget, as text and as JSON', async () => {
    const set = await cli('budget', 'set', '--period', 'day', '--usd', '5', '--agent-kind', 'claude-code', '--folder', '.', '--enforce', '--json');
    assert.equal(set.code, 0, set.stderr);
    const budget = JSON.parse(set.stdout) as Budget;
    assert.deepEqual(
      [budget.period, budget.usd, budget.agentKind, budget.folder, budget.enforce, budget.state],
      ['day', 5, 'claude-code', resolve('.'), true, 'ok'],
    );

    await daemon.client.heartbeatAgent('claude-code:s1', { meta: { kind: 'claude-code', cwd: resolve('.') } });
    await daemon.client.ingest([
      { op: 'usage', agentId: 'claude-code:s1', costUsd: 4.5, outputTokens: 10 },
      { op: 'usage', agentId: 'claude-code:s1', inputTokens: 10, model: 'mystery-model' },
    ]);
    const raised = await cli('budget', 'set', '--period', 'day', '--usd', '8', '--agent-kind', 'claude-code', '--folder', '.', '--enforce');
    assert.equal(raised.code, 0, raised.stderr);
    assert.match(raised.stdout, new RegExp(`^budget ${budget.id}: \\$4\\.50 of \\$8\\.00 this day \\(claude-code agents in .+\\), ok; forecast`));
    assert.match(raised.stdout, /enforced: new prompts refused while exceeded; no price known for 1 request: its cost is not counted/);

    const list = await cli('budget', 'list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^ID\s+PERIOD\s+SCOPE\s+SPENT\s+LIMIT\s+FORECAST\s+STATE\s+ENFORCED\s+RESETS$/m);
    assert.match(list.stdout, new RegExp(`^${budget.id}\\s+day\\s+claude-code agents in \\S+\\s+\\$4\\.50\\s+\\$8\\.00\\s+\\S+\\s+ok\\s+yes\\s+\\S+$`, 'm'));
    assert.match(list.stdout, new RegExp(`^${budget.id}: no price known for 1 request`, 'm'));
    const json = JSON.parse((await cli('budget', 'list', '--json')).stdout) as { items: Budget[] };
    assert.deepEqual(json.items.map((b) => [b.id, b.usd, b.spentUsd, b.unpricedRequests]), [[budget.id, 8, 4.5, 1]]);

    const removed = await cli('budget', 'rm', budget.id);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, new RegExp(`^removed budget ${budget.id} \\(day, claude-code agents in `));
    const again = await cli('budget', 'rm', budget.id, '--json');
    assert.equal(again.code, 1);
    assert.equal((JSON.parse(again.stdout) as { error: { code: string } }).error.code, 'not_found');
    assert.equal((await cli('budget', 'list')).stdout.trim(), 'no budgets (agent-tracker budget set --period day --usd 10)');
  });

  it('bad arguments are usage errors (exit 2) and change nothing', async () => {
    for (const args of [
      ['--period', 'year', '--usd', '5'],
      ['--period', 'day', '--usd', '0'],
      ['--period', 'day', '--usd', '1e308'],
      ['--period', 'day', '--usd', 'ten'],
      ['--period', 'day'],
      ['--usd', '5'],
    ]) {
      const result = await cli('budget', 'set', ...args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    }
    assert.deepEqual((await daemon.client.listBudgets()).items, []);
  });
});
