/**
 * Team mode benchmarks, against a real PostgreSQL (initdb in a temporary folder, fsync on) and daemon processes, with
 * a registry of 100,000 tasks (BENCH_TEAM_TASKS) seeded into each store first:
 * - batch ingest (POST /v1/events, 1000 create commands a request, 4 connections) into PostgreSQL and into the file
 *   store: the seeding itself, measured;
 * - creates/s (closed loop, 12 writers) through one daemon on the file store, one daemon on PostgreSQL, and three
 *   daemons on the same database together, in rounds whose order alternates so that the machine's load (2 cores shared
 *   with other work) hits each alike; the median of the rounds;
 * - a daemon joining the 100k registry: from its process start until it serves a seeded task, and its store's own
 *   account of loading the view;
 * - cross-daemon stream latency: creates through one daemon at a steady rate, time until another daemon's stream
 *   delivers each (p50/p99).
 * The load average is printed before and after.
 *
 * `node out/bench/daemon/team.js` runs it alone; `benchTeam()` is what the benchmark runner calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { startDaemonProcess, stopDaemonProcess, type DaemonProcess } from '../../test/daemon/support/daemonProcess.js';
import { startPostgres } from '../../test/support/postgres.js';
import { wsText } from '../../test/support/wsText.js';

const SEED_TASKS = Number(process.env.BENCH_TEAM_TASKS ?? 100_000);
const LOAD_SECONDS = Number(process.env.BENCH_TEAM_SECONDS ?? 5);
const ROUNDS = 2;
const WRITERS = 12;
const BATCH = 1000;
const BATCH_CONNECTIONS = 4;
const LATENCY_RATE = 100;
const LATENCY_SECONDS = 5;

interface Join {
  /** Process start until a seeded task is served. */
  wallMs: number;
  /** The store's own time to load its view (from the daemon's log). */
  loadMs: number | null;
}

export async function benchTeam(): Promise<Record<string, number>> {
  const loadBefore = loadavg()[0] as number;
  const postgres = await startPostgres();
  const homes: string[] = [];
  const running = new Set<DaemonProcess>();
  const daemon = async (store?: string) => {
    const home = mkdtempSync(join(tmpdir(), 'agent-tracker-bench-team-'));
    homes.push(home);
    const d = await startDaemonProcess(home, { args: store ? ['--store', store] : [], timeoutMs: 120_000 });
    running.add(d);
    return d;
  };
  const stop = async (...ds: DaemonProcess[]) => {
    await Promise.all(ds.map((d) => (running.delete(d), stopDaemonProcess(d))));
  };
  try {
    const url = await postgres.createDatabase('bench_team');
    const a = await daemon(url);
    const pgBatch = await seed(a, 'pg');
    const file = await daemon();
    const fileBatch = await seed(file, 'file');

    const creates = { file: [] as number[], pg1: [] as number[], pg3: [] as number[] };
    const joins: Join[] = [];
    const three = async () => {
      // One at a time: each join is timed on its own, not sharing the machine with the other's.
      const b = await timedJoin(daemon, url);
      const c = await timedJoin(daemon, url);
      joins.push(b.join, c.join);
      creates.pg3.push(await load([a, b.daemon, c.daemon], `pg3-${creates.pg3.length}`));
      await stop(b.daemon, c.daemon);
    };
    for (let round = 0; round < ROUNDS; round++) {
      const order = [
        async () => creates.file.push(await load([file], `file-${round}`)),
        async () => creates.pg1.push(await load([a], `pg1-${round}`)),
        three,
      ];
      for (const step of round % 2 === 0 ? order : order.reverse()) await step();
    }
    await stop(file);
    const reader = await daemon(url);
    const latency = await crossDaemonLatency(a, reader);
    await stop(a, reader);

    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;
    const results = {
      seededTasks: SEED_TASKS,
      pgBatchEventsPerSec: pgBatch,
      fileBatchEventsPerSec: fileBatch,
      fileCreatesPerSec: median(creates.file),
      pgOneDaemonCreatesPerSec: median(creates.pg1),
      pgThreeDaemonsCreatesPerSec: median(creates.pg3),
      pgOneVsFile: median(creates.pg1) / median(creates.file),
      pgThreeVsOne: median(creates.pg3) / median(creates.pg1),
      joinWallMsMax: Math.max(...joins.map((j) => j.wallMs)),
      joinLoadMsMax: Math.max(...joins.map((j) => j.loadMs ?? Number.NaN)),
      crossDaemonStreamP50Ms: latency.p50,
      crossDaemonStreamP99Ms: latency.p99,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg()[0] as number,
    };
    printTable(results, creates, joins);
    return results;
  } finally {
    await stop(...running);
    await postgres.close();
    for (const home of homes) rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Fills a daemon with SEED_TASKS tasks through batch ingest from BATCH_CONNECTIONS connections; events/s. */
async function seed(d: DaemonProcess, label: string): Promise<number> {
  const before = await seqOf(d);
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: BATCH_CONNECTIONS }, async () => {
    for (let start = (next += BATCH) - BATCH; start < SEED_TASKS; start = (next += BATCH) - BATCH) {
      const lines = Array.from({ length: Math.min(BATCH, SEED_TASKS - start) }, (_, i) => ({
        op: 'create', id: `${label}-seed-${start + i}`, taskId: `seed-${start + i}`, title: `seeded task ${start + i}`,
      }));
      const res = await d.http.post<{ results: { ok?: boolean; status?: number }[] }>('/v1/events', lines);
      if (res.status !== 200) throw new Error(`batch: ${res.status} ${res.text.slice(0, 500)}`);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  return ((await seqOf(d)) - before) / seconds;
}

/** A daemon started on the seeded database, timed until it serves a seeded task. */
async function timedJoin(daemon: (store?: string) => Promise<DaemonProcess>, url: string): Promise<{ daemon: DaemonProcess; join: Join }> {
  const started = performance.now();
  const d = await daemon(url);
  for (;;) {
    const res = await d.http.get(`/v1/tasks/seed-${SEED_TASKS - 1}`);
    if (res.status === 200) break;
    if (performance.now() - started > 60_000) throw new Error(`the joining daemon does not serve the seeded tasks: ${res.status}`);
    await delay(5);
  }
  const wallMs = performance.now() - started;
  const match = /loaded the registry \(\d+ tasks\) in (\d+) ms/.exec(d.stderr());
  return { daemon: d, join: { wallMs, loadMs: match ? Number(match[1]) : null } };
}

async function seqOf(d: DaemonProcess): Promise<number> {
  return (await d.http.ok(d.http.get<{ seq: number }>('/healthz'))).seq;
}

/** Closed loop: WRITERS concurrent writers spread over the daemons, each creating tasks one after another. */
async function load(targets: DaemonProcess[], label: string): Promise<number> {
  let done = 0;
  const end = performance.now() + LOAD_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
    const d = targets[w % targets.length] as DaemonProcess;
    for (let n = 0; performance.now() < end; n++) {
      const res = await d.http.post('/v1/tasks', { id: `${label}-${w}-${n}`, title: `bench ${n}` });
      if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
      done++;
    }
  }));
  return done / ((performance.now() - started) / 1000);
}

async function crossDaemonLatency(writer: DaemonProcess, reader: DaemonProcess): Promise<{ p50: number; p99: number }> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const socket = new WebSocket(`${reader.info.url.replace(/^http/, 'ws')}/v1/stream?after=${await seqOf(reader)}`, {
    headers: { authorization: `Bearer ${reader.http.token}` },
  });
  socket.on('message', (data) => {
    const now = performance.now();
    const text = wsText(data);
    const id = /"taskId":"(lat-[^"]+)"/.exec(text)?.[1];
    const sent = id === undefined ? undefined : sentAt.get(id);
    if (sent !== undefined && text.includes('"task.created"')) latencies.push(now - sent);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const total = LATENCY_RATE * LATENCY_SECONDS;
  const started = performance.now();
  const requests: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / LATENCY_RATE - performance.now();
    if (wait > 1) await delay(wait);
    const id = `lat-${i}`;
    sentAt.set(id, performance.now());
    requests.push(writer.http.post('/v1/tasks', { id, title: id }));
  }
  await Promise.all(requests);
  const deadline = Date.now() + 10_000;
  while (latencies.length < total && Date.now() < deadline) await delay(20);
  socket.close();
  if (latencies.length < total) throw new Error(`only ${latencies.length} of ${total} creates reached the other daemon's stream`);
  const sorted = latencies.sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
  return { p50: at(0.5), p99: at(0.99) };
}

function printTable(r: Record<string, number>, creates: Record<'file' | 'pg1' | 'pg3', number[]>, joins: Join[]): void {
  const f = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
  const rounds = (values: number[]) => `rounds ${values.map((v) => f(v)).join(', ')}`;
  console.log(`\nTeam mode (PostgreSQL, fsync on; ${f(r.seededTasks)} tasks seeded in each store; load average ${r.loadAverageBefore?.toFixed(1)} before, ${r.loadAverageAfter?.toFixed(1)} after)`);
  console.log(`  batch ingest into PostgreSQL    ${f(r.pgBatchEventsPerSec)} events/s   (file store: ${f(r.fileBatchEventsPerSec)} events/s)`);
  console.log(`  creates, ${WRITERS} writers, closed loop, median of ${ROUNDS} alternating rounds:`);
  console.log(`    file store, one daemon        ${f(r.fileCreatesPerSec)} creates/s   (${rounds(creates.file)})`);
  console.log(`    PostgreSQL, one daemon        ${f(r.pgOneDaemonCreatesPerSec)} creates/s   ${f(r.pgOneVsFile)}x the file store (${rounds(creates.pg1)})`);
  console.log(`    PostgreSQL, three daemons     ${f(r.pgThreeDaemonsCreatesPerSec)} creates/s   ${f(r.pgThreeVsOne)}x one daemon (${rounds(creates.pg3)})`);
  console.log(`  a daemon joining the registry   serves a seeded task ${joins.map((j) => `${f(j.wallMs)} ms`).join(', ')} after its process started; view loaded in ${joins.map((j) => (j.loadMs === null ? '-' : `${f(j.loadMs)} ms`)).join(', ')}`);
  console.log(`  stream on another daemon        p50 ${f(r.crossDaemonStreamP50Ms)} ms, p99 ${f(r.crossDaemonStreamP99Ms)} ms (${LATENCY_RATE} creates/s)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchTeam();
