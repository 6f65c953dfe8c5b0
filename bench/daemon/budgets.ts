/**
 * What budgets add to the synchronous prompt hook. Claude Code waits for its `UserPromptSubmit` hook (so that the
 * daemon can refuse a prompt over budget); tool hooks stay asynchronous. Measured against a real daemon process:
 * - the installed hook as the agent runs it (`sh -c '<home>/bin/agent-tracker-hook claude-code'`, a new prompt on
 *   stdin), spawn to exit: what the agent waits per prompt, next to a bare `node -e ""` started the same way;
 * - the daemon's side alone, `POST /v1/hooks/claude-code` for a new prompt over one keep-alive connection: with no
 *   budget, with 20 budgets covering the agent (checked on every prompt), and with an enforced one exceeded (the
 *   prompt refused: answer built, `budget.blocked` recorded, no task).
 *
 * `node out/bench/daemon/budgets.js` runs it alone; `benchBudgets()` is what the benchmark runner calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installForwarder } from '../../daemon/src/cli/hooks/forwarderFiles.js';
import { shellQuote } from '../../daemon/src/cli/hooks/shellQuote.js';
import { quantile, timeCommand } from './support/hookTiming.js';
import { startDaemonProcess } from '../../test/daemon/support/daemonProcess.js';

const RUNS = 40;
const ROUTE_RUNS = 300;

export async function benchBudgets(): Promise<Record<string, number>> {
  const home = mkdtempSync(join(tmpdir(), 'agent-tracker-bench-prompt-'));
  const { launcher } = installForwarder(home);
  const hookCommand = `${shellQuote(launcher)} claude-code`;
  const bareCommand = `${shellQuote(process.execPath)} -e ""`;
  const daemon = await startDaemonProcess(home);
  let n = 0;
  const prompt = (cwd: string) =>
    ({ session_id: `bench-${process.pid}-${n++}`, transcript_path: '/nonexistent.jsonl', cwd, hook_event_name: 'UserPromptSubmit', prompt: 'Fix the build' });
  try {
    const route = async (cwd: string): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < ROUTE_RUNS; i++) {
        const started = performance.now();
        const res = await daemon.http.post('/v1/hooks/claude-code', prompt(cwd));
        times.push(performance.now() - started);
        if (res.status !== 202) throw new Error(`hook route answered ${res.status}: ${res.text}`);
      }
      return times;
    };
    await route(home);
    const routeNoBudget = await route(home);
    for (let i = 0; i < 20; i++) {
      await daemon.http.ok(daemon.http.post('/v1/budgets', { period: i % 2 ? 'day' : 'month', usd: 1000 + i, folder: `${home}/${i}`, enforce: true }));
    }
    await daemon.http.ok(daemon.http.post('/v1/budgets', { period: 'week', usd: 1000, agentKind: 'claude-code', enforce: true }));
    const routeBudgets = await route(home);

    for (let i = 0; i < 3; i++) {
      await timeCommand(bareCommand, '');
      await timeCommand(hookCommand, JSON.stringify(prompt(home)));
    }
    const bare: number[] = [];
    const hook: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bare.push(await timeCommand(bareCommand, ''));
      hook.push(await timeCommand(hookCommand, JSON.stringify(prompt(home))));
    }

    // Over budget: one agent spends past an enforced limit; every new prompt is refused from then on.
    await daemon.http.ok(daemon.http.post('/v1/budgets', { period: 'day', usd: 0.01, agentKind: 'claude-code', enforce: true }));
    await daemon.http.ok(daemon.http.post('/v1/events', [{ op: 'usage', agentId: 'claude-code:bench-spender', costUsd: 1 }]));
    await daemon.http.ok(daemon.http.post('/v1/agents/claude-code:bench-spender/heartbeat', { meta: { kind: 'claude-code', cwd: home } }));
    const refusedRoute = await route(home);
    const refused: number[] = [];
    for (let i = 0; i < RUNS; i++) refused.push(await timeCommand(hookCommand, JSON.stringify(prompt(home))));

    const results = {
      promptHookMedianMs: quantile(hook, 0.5),
      promptHookP95Ms: quantile(hook, 0.95),
      bareNodeMedianMs: quantile(bare, 0.5),
      promptHookRefusedMedianMs: quantile(refused, 0.5),
      routeNoBudgetMedianMs: quantile(routeNoBudget, 0.5),
      routeNoBudgetP99Ms: quantile(routeNoBudget, 0.99),
      routeBudgetsMedianMs: quantile(routeBudgets, 0.5),
      routeBudgetsP99Ms: quantile(routeBudgets, 0.99),
      routeRefusedMedianMs: quantile(refusedRoute, 0.5),
      routeRefusedP99Ms: quantile(refusedRoute, 0.99),
    };
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log('\nBudgets on the synchronous prompt hook (Claude Code UserPromptSubmit, real daemon)');
    console.table({
      [`hook, new prompt, ${RUNS} runs`]: { median: ms(results.promptHookMedianMs), p95: ms(results.promptHookP95Ms), 'vs bare node': `${(results.promptHookMedianMs / results.bareNodeMedianMs).toFixed(2)}x` },
      [`bare node -e "", ${RUNS} runs`]: { median: ms(results.bareNodeMedianMs), p95: ms(quantile(bare, 0.95)), 'vs bare node': '1.00x' },
      [`hook, prompt refused, ${RUNS} runs`]: { median: ms(results.promptHookRefusedMedianMs), p95: ms(quantile(refused, 0.95)), 'vs bare node': `${(results.promptHookRefusedMedianMs / results.bareNodeMedianMs).toFixed(2)}x` },
      [`route, no budget, ${ROUTE_RUNS} prompts`]: { median: ms(results.routeNoBudgetMedianMs), p95: ms(results.routeNoBudgetP99Ms), 'vs bare node': 'p99 in p95 column' },
      [`route, 21 budgets, ${ROUTE_RUNS} prompts`]: { median: ms(results.routeBudgetsMedianMs), p95: ms(results.routeBudgetsP99Ms), 'vs bare node': 'p99 in p95 column' },
      [`route, refused, ${ROUTE_RUNS} prompts`]: { median: ms(results.routeRefusedMedianMs), p95: ms(results.routeRefusedP99Ms), 'vs bare node': 'p99 in p95 column' },
    });
    return results;
  } finally {
    daemon.kill('SIGTERM');
    await daemon.exited;
    rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  }
}



if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchBudgets();
}
