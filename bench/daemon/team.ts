/**
 * Team mode benchmarks, against a real PostgreSQL (initdb in a temporary folder, fsync on) and daemon processes:
 * - creates/s through one daemon on PostgreSQL, against one daemon on the file store measured in the same run;
 * - creates/s through three daemons on one database together;
 * - cross-daemon stream latency: creates through one daemon at a steady rate, time until another daemon's stream
 *   delivers each (p50/p99).
 *
 * `node out/bench/daemon/team.js` runs it alone; `benchTeam()` is what the benchmark runner calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { startDaemonProcess, stopDaemonProcess, type DaemonProcess } from '../../test/daemon/support/daemonProcess.js';
import { startPostgres } from '../../test/support/postgres.js';

const LOAD_SECONDS = Number(process.env.BENCH_TEAM_SECONDS ?? 5);
const WRITERS = 16;
const LATENCY_RATE = 100;
const LATENCY_SECONDS = 5;

export async function benchTeam(): Promise<Record<string, number>> {
  const postgres = await startPostgres();
  const homes: string[] = [];
  const daemons: DaemonProcess[] = [];
  const daemon = async (store?: string) => {
    const home = mkdtempSync(join(tmpdir(), 'agent-tracker-bench-team-'));
    homes.push(home);
    const d = await startDaemonProcess(home, { args: store ? ['--store', store] : [] });
    daemons.push(d);
    return d;
  };
  const stopAll = async () => {
    await Promise.all(daemons.splice(0).map((d) => stopDaemonProcess(d)));
  };
  try {
    const file = await load([await daemon()], 'file');
    await stopAll();
    const one = await load([await daemon(await postgres.createDatabase('bench_one'))], 'pg1');
    await stopAll();
    const url = await postgres.createDatabase('bench_three');
    const trio = [await daemon(url), await daemon(url), await daemon(url)];
    const three = await load(trio, 'pg3');
    const latency = await crossDaemonLatency(trio[0] as DaemonProcess, trio[2] as DaemonProcess);
    await stopAll();
    const results = {
      fileCreatesPerSec: file,
      pgOneDaemonCreatesPerSec: one,
      pgOneVsFile: one / file,
      pgThreeDaemonsCreatesPerSec: three,
      pgThreeVsOne: three / one,
      crossDaemonStreamP50Ms: latency.p50,
      crossDaemonStreamP99Ms: latency.p99,
    };
    printTable(results);
    return results;
  } finally {
    await stopAll();
    await postgres.close();
    for (const home of homes) rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  }
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
  const socket = new WebSocket(`${reader.info.url.replace(/^http/, 'ws')}/v1/stream?after=${(await reader.http.ok(reader.http.get<{ seq: number }>('/healthz'))).seq}`, {
    headers: { authorization: `Bearer ${reader.http.token}` },
  });
  socket.on('message', (data) => {
    const now = performance.now();
    const text = String(data);
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

function printTable(r: Record<string, number>): void {
  const f = (n: number | undefined) => (n === undefined ? '-' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
  console.log('\nTeam mode (PostgreSQL, fsync on; closed loop, 16 writers, creates through POST /v1/tasks)');
  console.log(`  file store, one daemon          ${f(r.fileCreatesPerSec)} creates/s   (baseline)`);
  console.log(`  PostgreSQL, one daemon          ${f(r.pgOneDaemonCreatesPerSec)} creates/s   ${f(r.pgOneVsFile)}x the file store`);
  console.log(`  PostgreSQL, three daemons       ${f(r.pgThreeDaemonsCreatesPerSec)} creates/s   ${f(r.pgThreeVsOne)}x one daemon`);
  console.log(`  stream on another daemon        p50 ${f(r.crossDaemonStreamP50Ms)} ms, p99 ${f(r.crossDaemonStreamP99Ms)} ms (${LATENCY_RATE} creates/s)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchTeam();
