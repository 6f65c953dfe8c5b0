/**
 * The daemon core, measured side by side in one run against its baselines, each server in its own process and the
 * load generator on the other core:
 *   - single-task create with 20k tasks stored, vs a no-op Express route answering the same JSON (goal >= 0.5x)
 *   - the same vs the naive design, Express + lowdb with a whole-file write per request (goal >= 5x)
 *   - create with 20k stored vs an empty registry (goal >= 0.8x)
 *   - batch ingest through POST /v1/events, of create commands and of log commands (goal >= 50,000 events/s)
 *   - restart with 100k logged events, from the snapshot and from the log alone
 * Each run also records the CPU time the server used, so that a figure taken on a busy machine can be read.
 * Alone: `node out/bench/daemon/core.js` (BENCH_DURATION and BENCH_CONNECTIONS as for `npm run bench`).
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runLoad, loadTool, type LoadResult, type LoadSpec } from './support/load.js';
import { cpuSeconds, postJson, removeDir, startBaselineServer, startDaemonServer, tempDir, type ServerProcess } from './support/servers.js';
import { describeError } from '../../daemon/src/protocol/index.js';

const STORED = 20_000;
const RESTART_EVENTS = 100_000;
const BATCH = 1000;
const CREATE_BODY = JSON.stringify({ title: 'bench task', type: 'bench', tags: ['bench'] });
/** The naive server rewrites ~20 MB per request: it needs a longer window to complete a countable number of them. */
const NAIVE_MIN_SECONDS = 15;

export interface CoreBenchOptions {
  durationSec: number;
  connections: number;
}

export interface Measured extends LoadResult {
  /** CPU seconds the server process used during the measured run. */
  serverCpuSec: number | null;
  /** Events in the daemon's log when the run started (for a create-only daemon, the tasks stored). */
  storedBefore: number | null;
  /** Where a figure is the median of several runs: the rate of each. */
  rounds?: number[];
}

export interface Goal {
  name: string;
  value: number;
  unit: string;
  goal: number;
  met: boolean;
  /** The same ratio of requests per server CPU-second: steadier than the rate when other work shares the machine. */
  perCpu?: number | null;
}

export interface BatchFigures extends Measured {
  kind: BatchKind;
  events: number;
  eventsPerSec: number;
}

export interface RestartFigures {
  events: number;
  withSnapshot: { wallMs: number; cpuMs: number | null; recoveryMs: number | null };
  fromLog: { wallMs: number; cpuMs: number | null; recoveryMs: number | null };
}

/** A baseline that gave no figure: the naive server can fail to answer within its window on a busy machine. */
export interface NotMeasured {
  notMeasured: string;
}

export interface CoreBenchResult {
  tool: string;
  cores: number;
  loadAverage: { before: number[]; after: number[] };
  options: CoreBenchOptions;
  creates: Record<'noop' | 'daemon20k' | 'daemonEmpty', Measured> & { naive20k: Measured | NotMeasured };
  batches: Record<BatchKind, BatchFigures>;
  restart: RestartFigures;
  goals: Goal[];
}

async function seqOf(server: ServerProcess): Promise<number> {
  const res = await fetch(`${server.url}/healthz`);
  return ((await res.json()) as { seq: number }).seq;
}

function createBatch(size: number, label: string): { op: 'create'; title: string; type: string; tags: string[] }[] {
  return Array.from({ length: size }, (_, i) => ({ op: 'create', title: `${label} ${i}`, type: 'bench', tags: ['stored'] }));
}

/** Fills a daemon with `count` tasks (one task.created event each) through batch ingest. */
async function fill(server: ServerProcess, count: number): Promise<void> {
  for (let done = 0; done < count; done += BATCH) await postJson(server, '/v1/events', createBatch(Math.min(BATCH, count - done), 'stored'));
}

/** A load run with the server's CPU time around it; any failed request invalidates the figure. */
async function measure(server: ServerProcess, spec: LoadSpec, storedBefore: number | null): Promise<Measured> {
  const cpuBefore = cpuSeconds(server.pid);
  const result = await runLoad(spec);
  const cpuAfter = cpuSeconds(server.pid);
  if (result.failures > 0) throw new Error(`${result.failures} failed requests against ${server.url}${spec.path}: ${server.stderr().slice(-2000)}`);
  if (result.requests === 0) throw new Error(`no request to ${server.url}${spec.path} completed in ${spec.durationSec} s`);
  const serverCpuSec = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  return { ...result, serverCpuSec, storedBefore };
}

function createSpec(server: ServerProcess, options: CoreBenchOptions, durationSec = options.durationSec): LoadSpec {
  return { url: server.url, path: '/v1/tasks', method: 'POST', headers: server.headers, body: CREATE_BODY, connections: options.connections, durationSec };
}

/** Rounds of the three fast servers, rotated, so that a change in the machine's load hits each of them alike. */
const ROUNDS = 3;

interface Contender {
  name: 'noop' | 'daemon20k' | 'daemonEmpty';
  /** The server for the next run: the same one each round, or (for the empty registry) a new one, warmed up. */
  serve: () => Promise<ServerProcess>;
  /** After the run: stops a server that is not reused. */
  done: (server: ServerProcess) => Promise<void>;
  stored: (server: ServerProcess) => Promise<number | null>;
  runs: Measured[];
}

/**
 * Two seconds of the same load first, so that every server is measured with its code optimised (a fresh daemon on a
 * busy machine is still speeding up after one). The empty registry therefore starts with the tasks of its warm-up.
 */
async function warmUp(server: ServerProcess, options: CoreBenchOptions): Promise<void> {
  await runLoad(createSpec(server, options, 2));
}

/** A daemon on a new home holding `stored` tasks, warmed up, for one run; removed with its home after it. */
function freshDaemon(name: Contender['name'], stored: number, options: CoreBenchOptions): Contender {
  const homes = new Map<ServerProcess, string>();
  return {
    name,
    serve: async () => {
      const home = tempDir(name);
      const server = await startDaemonServer(home);
      homes.set(server, home);
      await fill(server, stored);
      await warmUp(server, options);
      return server;
    },
    done: async (server) => {
      await server.stop();
      removeDir(homes.get(server) as string);
    },
    stored: seqOf,
    runs: [],
  };
}

/**
 * The no-op server runs throughout; each daemon run gets a new daemon, so that every run of "20k stored" starts from
 * 20k tasks (plus its warm-up) rather than from what earlier rounds added, and "empty" starts empty.
 */
async function startContenders(options: CoreBenchOptions): Promise<{ contenders: Contender[]; cleanup: () => Promise<void> }> {
  const noop = await startBaselineServer('noop');
  try {
    await warmUp(noop, options);
  } catch (error) {
    await noop.stop();
    throw error;
  }
  const contenders: Contender[] = [
    { name: 'noop', serve: async () => noop, done: async () => {}, stored: async () => null, runs: [] },
    freshDaemon('daemon20k', STORED, options),
    freshDaemon('daemonEmpty', 0, options),
  ];
  return { contenders, cleanup: () => noop.stop() };
}

/** The median run by rate, with every run kept in `rounds`. */
function median(runs: Measured[]): Measured {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  return { ...(sorted[Math.floor(sorted.length / 2)] as Measured), rounds: runs.map((r) => Math.round(r.rps)) };
}

async function createRounds(options: CoreBenchOptions): Promise<Record<Contender['name'], Measured>> {
  const { contenders, cleanup } = await startContenders(options);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < contenders.length; i++) {
        const c = contenders[(i + round) % contenders.length] as Contender;
        const server = await c.serve();
        try {
          c.runs.push(await measure(server, createSpec(server, options), await c.stored(server)));
        } finally {
          await c.done(server);
        }
      }
    }
    const [noop, daemon20k, daemonEmpty] = contenders.map((c) => median(c.runs)) as [Measured, Measured, Measured];
    return { noop, daemon20k, daemonEmpty };
  } finally {
    await cleanup();
  }
}

/** No warm-up: its cost is JSON.stringify and a file write, native code from the first request. */
async function naiveCreate(options: CoreBenchOptions): Promise<Measured> {
  const dir = tempDir('naive');
  const server = await startBaselineServer('naive', join(dir, 'db.json'), STORED);
  try {
    return await measure(server, createSpec(server, options, Math.max(options.durationSec, NAIVE_MIN_SECONDS)), STORED);
  } finally {
    await server.stop();
    removeDir(dir);
  }
}

/** What a batch carries: new tasks (the costliest event: a whole task to build, fold and log), or agents' log lines. */
export type BatchKind = 'create' | 'log';
const LOG_TASKS = 100;

interface BatchServer {
  kind: BatchKind;
  server: ServerProcess;
  home: string;
  spec: LoadSpec;
  runs: BatchFigures[];
}

/** A daemon taking batches of 1000 commands from 4 connections, warmed up. */
async function startBatchServer(kind: BatchKind, options: CoreBenchOptions): Promise<BatchServer> {
  const home = tempDir(`batch-${kind}`);
  const server = await startDaemonServer(home);
  let lines: unknown[] = createBatch(BATCH, 'batch');
  if (kind === 'log') {
    const created = (await postJson(server, '/v1/events', createBatch(LOG_TASKS, 'logging'))) as { results: { taskId: string }[] };
    const ids = created.results.map((r) => r.taskId);
    lines = Array.from({ length: BATCH }, (_, i) => ({ op: 'log', taskId: ids[i % ids.length], message: `step ${i} finished`, level: 'info' }));
  }
  const spec: LoadSpec = {
    url: server.url, path: '/v1/events', method: 'POST', headers: server.headers,
    body: JSON.stringify(lines), connections: 4, durationSec: options.durationSec,
  };
  await runLoad({ ...spec, durationSec: 1 });
  return { kind, server, home, spec, runs: [] };
}

/** The rate counts the events the daemon logged; the median of rotated rounds, as for single creates. */
async function batchIngest(options: CoreBenchOptions): Promise<Record<BatchKind, BatchFigures>> {
  const servers: BatchServer[] = [];
  try {
    for (const kind of ['create', 'log'] as const) servers.push(await startBatchServer(kind, options));
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < servers.length; i++) {
        const b = servers[(i + round) % servers.length] as BatchServer;
        const before = await seqOf(b.server);
        const result = await measure(b.server, b.spec, before);
        const events = (await seqOf(b.server)) - before;
        b.runs.push({ ...result, kind: b.kind, events, eventsPerSec: events / result.seconds });
      }
    }
    const pick = (b: BatchServer): BatchFigures => {
      const sorted = [...b.runs].sort((x, y) => x.eventsPerSec - y.eventsPerSec);
      return { ...(sorted[Math.floor(sorted.length / 2)] as BatchFigures), rounds: b.runs.map((r) => Math.round(r.eventsPerSec)) };
    };
    const [create, log] = servers.map(pick) as [BatchFigures, BatchFigures];
    return { create, log };
  } finally {
    for (const b of servers) {
      await b.server.stop();
      removeDir(b.home);
    }
  }
}

/** The daemon's own account of its recovery, from its log line "recovered seq N (...) in M ms". */
function recoveryMs(stderr: string): number | null {
  const match = /recovered seq \d+ .* in (\d+) ms/.exec(stderr);
  return match ? Number(match[1]) : null;
}

async function timedStart(home: string, events: number): Promise<RestartFigures['withSnapshot']> {
  const server = await startDaemonServer(home);
  try {
    if ((await seqOf(server)) !== events) throw new Error('the restarted daemon does not hold every event');
    return { wallMs: server.startMs, cpuMs: server.startCpuSec === null ? null : server.startCpuSec * 1000, recoveryMs: recoveryMs(server.stderr()) };
  } finally {
    await server.stop();
  }
}

async function restart(): Promise<RestartFigures> {
  const home = tempDir('restart');
  try {
    const first = await startDaemonServer(home);
    await fill(first, RESTART_EVENTS);
    const events = await seqOf(first);
    await first.stop();
    const withSnapshot = await timedStart(home, events);
    rmSync(join(home, 'registry.json'));
    const fromLog = await timedStart(home, events);
    return { events, withSnapshot, fromLog };
  } finally {
    removeDir(home);
  }
}

export async function benchCore(options: CoreBenchOptions): Promise<CoreBenchResult> {
  const before = loadavg();
  const { noop, daemon20k, daemonEmpty } = await createRounds(options);
  const naive20k = await naiveCreate(options).catch((error: unknown): NotMeasured => ({ notMeasured: describeError(error).split('\n')[0] ?? '' }));
  const batches = await batchIngest(options);
  const restarted = await restart();
  const goals: Goal[] = [
    ratio('create, 20k stored, vs no-op Express route', daemon20k, noop, 0.5),
    ...('notMeasured' in naive20k ? [] : [ratio('create, 20k stored, vs naive Express + lowdb', daemon20k, naive20k, 5)]),
    ratio('create, 20k stored, vs empty registry', daemon20k, daemonEmpty, 0.8),
    batchGoal('batch ingest, create commands', batches.create),
    batchGoal('batch ingest, log commands', batches.log),
  ];
  const result: CoreBenchResult = {
    tool: loadTool(),
    cores: cpus().length,
    loadAverage: { before, after: loadavg() },
    options,
    creates: { noop, daemon20k, naive20k, daemonEmpty },
    batches,
    restart: restarted,
    goals,
  };
  printCore(result);
  return result;
}

function batchGoal(name: string, b: BatchFigures): Goal {
  return { name, value: b.eventsPerSec, unit: 'events/s', goal: 50_000, met: b.eventsPerSec >= 50_000 };
}

const requestsPerCpu = (m: Measured) => (m.serverCpuSec ? m.requests / m.serverCpuSec : null);

function ratio(name: string, measured: Measured, baseline: Measured, goal: number): Goal {
  const value = measured.rps / baseline.rps;
  const a = requestsPerCpu(measured);
  const b = requestsPerCpu(baseline);
  return { name, value, unit: 'x', goal, met: value >= goal, perCpu: a === null || b === null ? null : a / b };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const cpuShare = (m: Measured) => (m.serverCpuSec === null ? '?' : `${fmt((100 * m.serverCpuSec) / m.seconds)}%`);
const perCpu = (m: Measured, count = m.requests) => (m.serverCpuSec ? fmt(count / m.serverCpuSec) : '?');

function printCore(r: CoreBenchResult): void {
  const { connections, durationSec } = r.options;
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  console.log(`\ndaemon core: load from ${r.tool} (${connections} connections, ${durationSec} s per run), each server in its own process;`);
  console.log(`single creates and batches: median of ${ROUNDS} rotated rounds (the naive server: one ${NAIVE_MIN_SECONDS} s run);`);
  console.log(`${r.cores} cores, load average ${load(r.loadAverage.before)} before and ${load(r.loadAverage.after)} after`);
  const header = `  ${'POST /v1/tasks, one task per request'.padEnd(40)} ${'stored'.padStart(7)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'server CPU'.padStart(11)} ${'req/CPU-s'.padStart(10)}`;
  console.log(header);
  const rows: [string, Measured | NotMeasured][] = [
    ['no-op Express route, same JSON', r.creates.noop],
    ['daemon, 20k tasks stored (new each run)', r.creates.daemon20k],
    ['daemon, empty registry (new each run)', r.creates.daemonEmpty],
    ['naive Express + lowdb, 20k tasks stored', r.creates.naive20k],
  ];
  for (const [name, m] of rows) {
    if ('notMeasured' in m) {
      console.log(`  ${name.padEnd(40)} not measured: ${m.notMeasured}`);
      continue;
    }
    const rounds = m.rounds ? `  rounds ${m.rounds.map((x) => fmt(x)).join(' / ')}` : '';
    const stored = m.storedBefore === null ? '-' : fmt(m.storedBefore);
    console.log(`  ${name.padEnd(40)} ${stored.padStart(7)} ${fmt(m.rps).padStart(8)} ${fmt(m.p50Ms, 1).padStart(9)} ${fmt(m.p99Ms, 1).padStart(9)} ${cpuShare(m).padStart(11)} ${perCpu(m).padStart(10)}${rounds}`);
  }
  for (const b of Object.values(r.batches)) {
    const name = `POST /v1/events, 1000 ${b.kind} commands`;
    console.log(`  ${name.padEnd(40)} ${fmt(b.storedBefore ?? 0).padStart(7)} ${fmt(b.rps, 1).padStart(8)} ${fmt(b.p50Ms, 1).padStart(9)} ${fmt(b.p99Ms, 1).padStart(9)} ${cpuShare(b).padStart(11)} ${perCpu(b).padStart(10)}`);
    const rounds = b.rounds ? `; rounds ${b.rounds.map((x) => fmt(x)).join(' / ')} events/s` : '';
    console.log(`    = ${fmt(b.eventsPerSec)} events/s logged (${fmt(b.events)} events; ${perCpu(b, b.events)} events per server CPU-second${rounds})`);
  }
  const s = r.restart;
  const startLine = (name: string, f: RestartFigures['withSnapshot']) =>
    `  restart, ${name}: ${fmt(f.wallMs)} ms from spawn to listening (recovery ${f.recoveryMs === null ? '?' : fmt(f.recoveryMs)} ms, process CPU ${f.cpuMs === null ? '?' : fmt(f.cpuMs)} ms)`;
  console.log(`  restart with ${fmt(s.events)} logged events:`);
  console.log(startLine('snapshot + log', s.withSnapshot));
  console.log(startLine('log alone (no registry.json)', s.fromLog));
  console.log(`  ${'goal'.padEnd(44)} ${'measured'.padStart(16)} ${'goal'.padStart(11)}          ${'per CPU-s'.padStart(9)}`);
  for (const g of r.goals) {
    const value = g.unit === 'x' ? `${fmt(g.value, 2)}x` : `${fmt(g.value)} ${g.unit}`;
    const goal = g.unit === 'x' ? `>= ${g.goal}x` : `>= ${fmt(g.goal)}`;
    const perCpuRatio = g.perCpu === undefined || g.perCpu === null ? '' : `${fmt(g.perCpu, 2)}x`;
    console.log(`  ${g.name.padEnd(44)} ${value.padStart(16)} ${goal.padStart(11)}  ${(g.met ? 'met' : 'NOT MET').padEnd(7)} ${perCpuRatio.padStart(9)}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchCore({ durationSec: Number(process.env.BENCH_DURATION ?? 5), connections: Number(process.env.BENCH_CONNECTIONS ?? 32) });
}
