// The hook command fixtures are recorded with: saves one payload exactly as the agent handed it over (stdin JSON, or
// the last argument for Codex `notify`) with the time it arrived, one file per call. Prints nothing, exits 0.
// Usage (as a hook): node hookRecorder.js <out dir> hook|notify
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [outDir, via] = process.argv.slice(2, 4);
if (outDir !== undefined && (via === 'hook' || via === 'notify')) {
  const observedAt = new Date().toISOString();
  const raw = via === 'notify' ? (process.argv.at(-1) ?? '') : readFileSync(0, 'utf8');
  let payload: unknown = raw;
  try {
    payload = JSON.parse(raw);
  } catch {
    // Keep what the agent sent, even if it is not JSON.
  }
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(CLAUDE_|CODEX_|GEMINI_)/.test(name) && !/KEY|TOKEN/.test(name)));
  const file = path.join(outDir, `${process.hrtime.bigint()}-${process.pid}.json`);
  writeFileSync(file, `${JSON.stringify({ via, observedAt, env, payload }, null, 2)}\n`);
}
