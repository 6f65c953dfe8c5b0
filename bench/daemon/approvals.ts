/**
 * Approvals against a real daemon process: a Claude Code permission hook waits on the daemon
 * (`POST /v1/hooks/claude-code` with `X-Agent-Tracker-Wait`, as the forwarder sends it with `--approval-wait`), the
 * user decides with `POST /v1/approvals/:id/decision`, and the time from sending the decision to the hook's request
 * getting its answer is measured (goal p99 <= 300 ms, moonshot 50 ms). Nothing polls on the daemon's side: the
 * decision's commit wakes the waiting request. The forwarder's own cost with approvals off is the hooks benchmark's.
 *
 * `node out/bench/daemon/approvals.js` runs it alone; `benchApprovals()` is what the benchmark runner calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startDaemonProcess } from '../../test/daemon/support/daemonProcess.js';

const RUNS = 100;
const SESSION = 'bench-approvals';

export async function benchApprovals(): Promise<Record<string, number>> {
  const home = mkdtempSync(join(tmpdir(), 'agent-tracker-bench-approvals-'));
  const daemon = await startDaemonProcess(home);
  try {
    const http = daemon.http;
    const hook = (payload: Record<string, unknown>, wait?: number) =>
      http.post<{ applied: number; output?: unknown }>('/v1/hooks/claude-code', { session_id: SESSION, cwd: home, ...payload }, wait ? { headers: { 'x-agent-tracker-wait': String(wait) } } : {});
    await http.ok(hook({ hook_event_name: 'UserPromptSubmit', prompt_id: 'p1', prompt: 'clean up' }));

    const decisionToAnswer: number[] = [];
    const decisionResponse: number[] = [];
    for (let i = 0; i < RUNS + 5; i++) {
      const waiting = hook({ hook_event_name: 'PermissionRequest', prompt_id: 'p1', tool_name: 'Bash', tool_input: { command: `rm -rf build-${i}` } }, 30);
      let id: string | undefined;
      while (id === undefined) {
        const pending = await http.ok(http.get<{ items: { id: string }[] }>('/v1/approvals?state=pending'));
        id = pending.items[0]?.id;
      }
      const started = performance.now();
      let decidedAt = 0;
      const decided = http.post(`/v1/approvals/${id}/decision`, { decision: i % 2 === 0 ? 'allow' : 'deny', reason: 'bench' }).then(() => (decidedAt = performance.now()));
      const answer = await waiting;
      const answeredAt = performance.now();
      await decided;
      if (answer.status !== 202 || answer.body.output === undefined) throw new Error(`the hook got no decision: ${answer.text}`);
      // The first runs warm the daemon up.
      if (i < 5) continue;
      decisionToAnswer.push(answeredAt - started);
      decisionResponse.push(decidedAt - started);
    }
    const results = {
      decisionToHookP50Ms: quantile(decisionToAnswer, 0.5),
      decisionToHookP99Ms: quantile(decisionToAnswer, 0.99),
      decisionResponseP50Ms: quantile(decisionResponse, 0.5),
      decisionResponseP99Ms: quantile(decisionResponse, 0.99),
    };
    const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a');
    console.log('\nApprovals (a waiting permission hook, decided over the API; real daemon, file store)');
    console.table({
      [`decision POST -> hook answered, ${RUNS} runs`]: { p50: ms(results.decisionToHookP50Ms), p99: ms(results.decisionToHookP99Ms), goal: 'p99 <= 300 ms (moonshot 50 ms)' },
      'decision POST -> its own 200': { p50: ms(results.decisionResponseP50Ms), p99: ms(results.decisionResponseP99Ms), goal: '' },
    });
    return results;
  } finally {
    daemon.kill('SIGTERM');
    await daemon.exited;
    rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  }
}

function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchApprovals();
}
