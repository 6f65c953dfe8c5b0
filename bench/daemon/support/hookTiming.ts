/** What the hook benches measure with: an installed hook run as agents run it, and the quantiles of its times. */
import { spawn } from 'node:child_process';

/** Wall time of one `sh -c command` with `input` on stdin, spawn to exit (what an agent waits for its hook). */
export function timeCommand(command: string, input: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('exit', () => resolve(performance.now() - started));
    child.stdin.end(input);
  });
}

export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
