/**
 * The load generator: wrk (C, one thread on the other core) when it is installed, else autocannon's programmatic API.
 * Both keep a fixed number of connections busy with the same request for a fixed time.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  path: string;
  method: 'POST' | 'GET';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationSec: number;
}

export interface LoadResult {
  tool: string;
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses outside 2xx/3xx, and socket errors: a run with either is not a valid measurement. */
  failures: number;
}

let wrkPath: string | null | undefined;

export function loadTool(): string {
  if (wrkPath === undefined) {
    try {
      wrkPath = execFileSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' }).trim() || null;
    } catch {
      wrkPath = null;
    }
  }
  return wrkPath ? 'wrk' : 'autocannon';
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return loadTool() === 'wrk' ? runWrk(spec) : runAutocannon(spec);
}

/** A Lua script sets the request and prints the summary as one JSON line. */
function wrkScript(spec: LoadSpec): string {
  const headers = Object.entries({ 'Content-Type': 'application/json', ...spec.headers })
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join('\n');
  return `wrk.method = ${JSON.stringify(spec.method)}
${spec.body === undefined ? '' : `wrk.body = [==[${spec.body}]==]`}
${headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"socket":%d,"status":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
`;
}

async function runWrk(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-tracker-wrk-'));
  try {
    const script = join(dir, 'request.lua');
    writeFileSync(script, wrkScript(spec));
    const args = ['-t1', `-c${spec.connections}`, `-d${spec.durationSec}s`, '--timeout', '60s', '-s', script, `${spec.url}${spec.path}`];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(wrkPath as string, args, { encoding: 'utf8', maxBuffer: 1 << 20 }, (error, out, err) => (error ? reject(new Error(`wrk: ${error.message} ${err}`)) : resolve(out))),
    );
    const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
    if (!line) throw new Error(`wrk printed no summary: ${stdout}`);
    const s = JSON.parse(line.slice('WRK_JSON '.length)) as { requests: number; duration_us: number; socket: number; status: number; p50: number; p99: number };
    const seconds = s.duration_us / 1e6;
    return { tool: 'wrk', requests: s.requests, seconds, rps: s.requests / seconds, p50Ms: s.p50 / 1000, p99Ms: s.p99 / 1000, failures: s.socket + s.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  const result = await autocannon({
    url: `${spec.url}${spec.path}`,
    method: spec.method,
    headers: { 'content-type': 'application/json', ...spec.headers },
    body: spec.body,
    connections: spec.connections,
    duration: spec.durationSec,
  });
  const seconds = result.duration;
  return {
    tool: 'autocannon',
    requests: result.requests.total,
    seconds,
    rps: result.requests.total / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
