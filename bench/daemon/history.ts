/**
 * Memory and stalls as the history grows, each against a real daemon process on a fresh home:
 * - ingest 1M events (10k tasks, the rest tool-log lines) through POST /v1/events, then restart: the daemon's RSS after
 *   ingest and after the restart, and the restart time; baselines: the RSS and the start time of the same daemon on an
 *   empty home, measured in the same run, and the size of the log on disk;
 * - 100 stream clients catching up from seq 0 at once on that history: how much the daemon's RSS grows;
 * - the snapshot of a 200k-task registry: the longest event-loop stall while it is written (the daemon's own
 *   monitorEventLoopDelay, `agent_tracker_event_loop_delay_max_seconds`), and request -> stream p99 meanwhile at 200
 *   creates/s; baseline:
 *   the same two figures on the empty registry in the same run.
 *
 * `node out/bench/daemon/history.js` runs it alone; `benchHistory()` is what the benchmark runner calls. Options of the
 * lone run: `--events N` (default 1,000,000), `--only memory|stall` (one part), `--home DIR` (a home kept after the run:
 * when it already holds a log the ingest is skipped and the history part starts with the restart, which makes the
 * restart and catch-up figures repeatable without ingesting again).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { removeDir, startDaemonServer, tempDir, type ServerProcess } from './support/servers.js';
import { describeError } from '../../daemon/src/protocol/index.js';

const TASKS = 10_000;
const EVENTS = 1_000_000;
const BATCH = 1000;
const IN_FLIGHT = 4;
const CATCH_UP_CLIENTS = 100;
/** Each client reads this much of the feed from seq 0: 100 clients over the whole 1M history would be 100M frames. */
const CATCH_UP_EVENTS = 20_000;
const SNAPSHOT_TASKS = 200_000;
const LIVE_RATE = 200;

export interface HistoryBenchResult {
  events: number;
  logBytes: number;
  rssEmptyMb: number;
  /** Spawn to listening on an empty home, the restart's baseline. */
  emptyStartMs: number;
  rssAfterIngestMb: number;
  rssAfterRestartMb: number;
  restartMs: number;
  catchUp: { clients: number; eventsEach: number; rssBeforeMb: number; rssPeakMb: number; growthMb: number; seconds: number };
  stall: { tasks: number; emptyMaxMs: number; snapshotMaxMs: number; liveP99EmptyMs: number; liveP99SnapshotMs: number };
}

export interface HistoryBenchOptions {
  events?: number;
  only?: 'memory' | 'stall';
  /** A home kept after the run; one that already holds a log is not ingested into again. */
  home?: string;
}

export async function benchHistory(options: HistoryBenchOptions = {}): Promise<Partial<HistoryBenchResult>> {
  const memory = options.only === 'stall' ? undefined : await benchMemory(options.events ?? EVENTS, options.home);
  const stall = options.only === 'memory' ? undefined : await benchStall();
  const result = { ...memory, stall };
  printHistory(result);
  return result;
}

async function benchMemory(events: number, keptHome: string | undefined): Promise<Omit<HistoryBenchResult, 'stall'>> {
  const reused = keptHome !== undefined && existsSync(join(keptHome, 'events'));
  const home = keptHome ?? tempDir('history');
  mkdirSync(home, { recursive: true });
  const emptyHome = tempDir('empty');
  let server = await startDaemonServer(reused ? emptyHome : home);
  const emptyStartMs = server.startMs;
  try {
    await delay(1000);
    const rssEmptyMb = rssMb(server.pid);
    let rssAfterIngestMb = NaN;
    if (reused) {
      print(`reusing the history in ${home}: no ingest`);
    } else {
      const ingestStarted = performance.now();
      await ingest(server, TASKS, events);
      await delay(1000);
      rssAfterIngestMb = rssMb(server.pid);
      print(`ingested ${events} events in ${Math.round((performance.now() - ingestStarted) / 1000)} s: RSS ${Math.round(rssAfterIngestMb)} MB (empty ${Math.round(rssEmptyMb)} MB)`);
    }
    await server.stop();
    const logBytes = dirBytes(join(home, 'events'));
    const restarted = await startDaemonServer(home);
    server = restarted;
    const restartMs = restarted.startMs;
    await delay(1000);
    const rssAfterRestartMb = rssMb(server.pid);
    print(`restart in ${Math.round(restartMs)} ms: RSS ${Math.round(rssAfterRestartMb)} MB`);
    const catchUp = await catchUpMany(server);
    print(`catch-up by ${catchUp.clients} clients: RSS +${Math.round(catchUp.growthMb)} MB`);
    return { events, logBytes, rssEmptyMb, emptyStartMs, rssAfterIngestMb, rssAfterRestartMb, restartMs, catchUp };
  } finally {
    await server.stop();
    if (keptHome === undefined) removeDir(home);
    removeDir(emptyHome);
  }
}

/** `tasks` create commands, then log commands spread over those tasks up to `events` events in all. */
async function ingest(server: ServerProcess, tasks: number, events: number): Promise<void> {
  try {
    await ingestBatches(server, tasks, events);
  } catch (error) {
    const exited = server.child.exitCode !== null || server.child.signalCode !== null;
    throw new Error(`ingest failed (${describeError(error)}; daemon ${exited ? 'exited' : 'running'}): ${server.stderr().slice(-2000)}`, { cause: error });
  }
}

async function ingestBatches(server: ServerProcess, tasks: number, events: number): Promise<void> {
  let next = 0;
  const batches = Math.ceil(events / BATCH);
  const batchOf = (b: number) => {
    const lines: unknown[] = [];
    for (let i = 0; i < BATCH; i++) {
      const n = b * BATCH + i;
      lines.push(
        n < tasks
          ? { op: 'create', taskId: `h${n}`, title: `history task ${n}`, type: 'bench', tags: ['bench'] }
          : { op: 'log', taskId: `h${n % tasks}`, message: `tool call ${n}: read_file src/module${n % 97}.ts (${n % 1000} lines)`, level: 'info' },
      );
    }
    return lines;
  };
  const worker = async () => {
    for (let b = next++; b < batches; b = next++) await postOnce(server, '/v1/events', batchOf(b));
  };
  // The creates go first, alone: the log lines name their tasks.
  for (let b = 0; b < Math.ceil(tasks / BATCH); b++) await postOnce(server, '/v1/events', batchOf(b));
  next = Math.ceil(tasks / BATCH);
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/**
 * A POST on a connection of its own: a long ingest over keep-alive connections meets the server closing an idle one
 * just as the client reuses it, and a batch cannot simply be sent again.
 */
function postOnce(server: ServerProcess, path: string, body: unknown, status = 200): Promise<void> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { method: 'POST', agent: false, headers: { ...server.headers, 'content-type': 'application/json', 'content-length': payload.length } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === status ? resolve() : reject(new Error(`POST ${path}: ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Many clients catching up from seq 0 at once; the daemon's RSS sampled every 100 ms. */
async function catchUpMany(server: ServerProcess): Promise<HistoryBenchResult['catchUp']> {
  const rssBeforeMb = rssMb(server.pid);
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, rssMb(server.pid))), 100);
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: CATCH_UP_CLIENTS }, () =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/stream?after=0`, { headers: server.headers });
          let received = 0;
          ws.on('message', () => {
            if (++received === CATCH_UP_EVENTS) ws.close();
          });
          ws.on('close', () => (received >= CATCH_UP_EVENTS ? resolve() : reject(new Error(`closed after ${received} events`))));
          ws.on('error', reject);
        }),
      ),
    );
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  return { clients: CATCH_UP_CLIENTS, eventsEach: CATCH_UP_EVENTS, rssBeforeMb, rssPeakMb, growthMb: rssPeakMb - rssBeforeMb, seconds };
}

async function benchStall(): Promise<HistoryBenchResult['stall']> {
  const home = tempDir('stall');
  const server = await startDaemonServer(home);
  try {
    // A first window unmeasured: the baseline is then a warm daemon's, not its first requests' compilation.
    await snapshotWindow(server, home);
    const empty = await snapshotWindow(server, home);
    print(`empty registry: largest stall ${empty.stallMs} ms, live p99 ${empty.liveP99Ms} ms`);
    await ingest(server, SNAPSHOT_TASKS, SNAPSHOT_TASKS);
    const loaded = await snapshotWindow(server, home);
    print(`${SNAPSHOT_TASKS} tasks: largest stall ${loaded.stallMs} ms, live p99 ${loaded.liveP99Ms} ms`);
    return {
      tasks: SNAPSHOT_TASKS,
      emptyMaxMs: empty.stallMs,
      snapshotMaxMs: loaded.stallMs,
      liveP99EmptyMs: empty.liveP99Ms,
      liveP99SnapshotMs: loaded.liveP99Ms,
    };
  } finally {
    await server.stop();
    removeDir(home);
  }
}

/**
 * From a scrape (which resets the daemon's stall maximum) until a new registry.json is in place, with creates at a
 * steady rate measured from request to stream: the longest stall and the p99 latency in that window.
 */
async function snapshotWindow(server: ServerProcess, home: string): Promise<{ stallMs: number; liveP99Ms: number }> {
  const registry = join(home, 'registry.json');
  const mtime = () => {
    try {
      return statSync(registry).mtimeMs;
    } catch {
      return 0;
    }
  };
  const before = mtime();
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/stream?after=${await seqOf(server)}`, { headers: server.headers });
  ws.on('message', (data: Buffer) => {
    const id = /"taskId":"(live-[^"]+)"\}\}$/.exec(data.toString())?.[1];
    const sent = id === undefined ? undefined : sentAt.get(id);
    if (sent !== undefined) latencies.push(performance.now() - sent);
  });
  await new Promise((resolve) => ws.once('open', resolve));
  await stallMs(server);
  const started = performance.now();
  const requests: Promise<unknown>[] = [];
  // Until the snapshot that the first create schedules has been written, and for at least five seconds.
  for (let i = 0; mtime() === before || performance.now() - started < 5000; i++) {
    if (performance.now() - started > 120_000) throw new Error('no snapshot within 120 s');
    const due = started + (i * 1000) / LIVE_RATE;
    const wait = due - performance.now();
    if (wait > 1) await delay(wait);
    const id = `live-${home.length}-${i}-${Date.now()}`;
    sentAt.set(id, performance.now());
    requests.push(postOnce(server, '/v1/tasks', { id, title: 'live' }, 201));
  }
  await Promise.all(requests);
  const stall = await stallMs(server);
  const deadline = Date.now() + 30_000;
  while (latencies.length < sentAt.size && Date.now() < deadline) await delay(20);
  ws.close();
  const sorted = latencies.sort((a, b) => a - b);
  return { stallMs: stall, liveP99Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? NaN };
}

async function seqOf(server: ServerProcess): Promise<number> {
  const res = await fetch(`${server.url}/healthz`);
  return ((await res.json()) as { seq: number }).seq;
}

/** The daemon's longest event-loop stall since the previous scrape, in ms. */
async function stallMs(server: ServerProcess): Promise<number> {
  const res = await fetch(`${server.url}/metrics`, { headers: server.headers });
  const match = /^agent_tracker_event_loop_delay_max_seconds ([\d.e+-]+)$/m.exec(await res.text());
  return Number(match?.[1] ?? NaN) * 1000;
}

function print(line: string): void {
  process.stdout.write(`[history] ${line}\n`);
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? NaN) / 1024;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) total += statSync(join(dir, name)).size;
  return total;
}

function printHistory(r: Partial<HistoryBenchResult>): void {
  if (r.catchUp) printMemory(r as Omit<HistoryBenchResult, 'stall'>);
  if (r.stall) printStall(r.stall);
}

const mb = (v: number) => (Number.isNaN(v) ? 'n/a' : `${Math.round(v)} MB`);
const ms = (v: number) => `${Math.round(v * 10) / 10} ms`;
const line = (name: string, value: string, baseline: string, goal: string) =>
  console.log(`  ${name.padEnd(52)} ${value.padStart(10)} ${baseline.padStart(26)}   ${goal}`);

function printMemory(r: Omit<HistoryBenchResult, 'stall'>): void {
  console.log(`\nhistory on disk: ${r.events.toLocaleString('en-US')} events (${TASKS.toLocaleString('en-US')} tasks + tool logs), ${mb(r.logBytes / 1024 / 1024)} of log`);
  line('figure', 'measured', 'baseline (same run)', 'goal');
  line('RSS after ingest', mb(r.rssAfterIngestMb), `empty daemon ${mb(r.rssEmptyMb)}`, '<= 400 MB');
  line('RSS after restart', mb(r.rssAfterRestartMb), `empty daemon ${mb(r.rssEmptyMb)}`, '<= 300 MB (goal 150 MB)');
  line('restart, spawn to listening', ms(r.restartMs), `empty home ${ms(r.emptyStartMs)}`, '<= 3,000 ms');
  const c = r.catchUp;
  line(`${c.clients} stream clients from seq 0 (${c.eventsEach.toLocaleString('en-US')} events each)`, `+${mb(c.growthMb)}`, `RSS ${mb(c.rssBeforeMb)} -> ${mb(c.rssPeakMb)}`, `<= +200 MB (${Math.round(c.seconds)} s)`);
}

function printStall(s: HistoryBenchResult['stall']): void {
  console.log('');
  line('figure', 'measured', 'baseline (same run)', 'goal');
  line(`largest event-loop stall, snapshot of ${s.tasks.toLocaleString('en-US')} tasks`, ms(s.snapshotMaxMs), `empty registry ${ms(s.emptyMaxMs)}`, '<= 20 ms');
  line(`request -> stream p99 at ${LIVE_RATE}/s meanwhile`, ms(s.liveP99SnapshotMs), `empty registry ${ms(s.liveP99EmptyMs)}`, '<= 50 ms');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { events: { type: 'string' }, only: { type: 'string' }, home: { type: 'string' } } });
  const only = values.only;
  if (only !== undefined && only !== 'memory' && only !== 'stall') throw new Error('--only takes memory or stall');
  const results = await benchHistory({ events: values.events === undefined ? undefined : Number(values.events), only, home: values.home });
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
