/**
 * Prices: the built-in table, overridden by the home's `prices.json` (or `--prices FILE`); a model with no price is
 * said to have none (the usage counts its requests as unpriced, and budgets tell) instead of costing nothing in silence.
 * Driven by a real Claude Code session's recorded hooks and transcript, whose model the built-in table does not know.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrackerClient } from '../../../daemon/src/client/index.js';
import { PriceFileError } from '../../../daemon/src/integrations/usage/priceFile.js';
import { loadSession, replaySession } from '../hooks/recordedSession.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

describe('budgets: prices', () => {
  let d: TestDaemon | undefined;
  afterEach(async () => {
    await d?.close();
    d = undefined;
  });

  /** Replays the recorded session (model claude-opus-5-5, two requests) under a day budget; returns what it cost. */
  const costOfSession = async (daemon: TestDaemon) => {
    const client = new TrackerClient({ url: daemon.daemon.url, token: daemon.daemon.token });
    await client.setBudget({ period: 'day', usd: 1 });
    await replaySession(daemon, loadSession('claude-code', 'bash-turn'));
    await daemon.daemon.hooks.idle();
    const [budget] = (await client.listBudgets()).items;
    const [task] = (await client.listTasks()).items;
    return { budget, usage: task?.usage };
  };

  it('a model the table does not know: its requests are counted as unpriced, on the task and in the budget', async () => {
    d = await startTestDaemon();
    const { budget, usage } = await costOfSession(d);
    assert.deepEqual([usage?.requests, usage?.costUsd, usage?.unpricedRequests], [2, 0, 2]);
    assert.deepEqual([budget?.spentUsd, budget?.unpricedRequests], [0, 2]);
  });

  it("the home's prices.json prices it, before the built-in table", async () => {
    const home = makeTempHome('test');
    // Per million tokens: input 5, output 25, cache read 0.5, cache write 6.25.
    writeFileSync(join(home, 'prices.json'), JSON.stringify({ 'claude-opus-5-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 } }));
    d = await startTestDaemon({ home });
    const { budget, usage } = await costOfSession(d);
    assert.equal(usage?.unpricedRequests, undefined);
    assert.ok((usage?.costUsd ?? 0) > 0.001925, 'the first request alone costs $0.001925');
    assert.deepEqual([budget?.spentUsd, budget?.unpricedRequests], [usage?.costUsd, 0]);
  });

  it('refuses to start on a price file that is not one: bad values, not JSON, a FIFO, or a --prices file that is missing', async () => {
    const cases: [string, (path: string) => void][] = [
      ['a negative price', (path) => writeFileSync(path, JSON.stringify({ 'gpt-5': { input: -1, output: 1 } }))],
      ['an unknown field', (path) => writeFileSync(path, JSON.stringify({ 'gpt-5': { input: 1, output: 1, per: 'token' } }))],
      ['not JSON', (path) => writeFileSync(path, '{"gpt-5": ')],
      ['a list', (path) => writeFileSync(path, '[]')],
      ['a FIFO', (path) => execFileSync('mkfifo', [path])],
    ];
    for (const [what, make] of cases) {
      const home = makeTempHome('test');
      make(join(home, 'prices.json'));
      await assert.rejects(startTestDaemon({ home }), (e: unknown) => e instanceof PriceFileError && e.message.includes('prices.json'), what);
      removeTempHome(home);
    }
    const home = makeTempHome('test');
    await assert.rejects(startTestDaemon({ home, settings: { prices: join(home, 'missing.json') } }), PriceFileError);
    removeTempHome(home);
  });
});
