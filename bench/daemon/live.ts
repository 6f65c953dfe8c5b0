/**
 * Benchmarks of the live side of the daemon, each against a real daemon process (the built CLI on a fresh home), so
 * that the load generator and the daemon each have a core:
 * - request -> stream latency: POST /v1/tasks at a steady 200/s (open loop), time until the stream delivers the event;
 * - fan-out: 20 stream clients while batches create 2,000 tasks/s; every client must receive every event, in order;
 * - inbox ingest: a 100,000-line file dropped into the inbox, lines applied per second (create lines, and log lines
 *   whose events are cheaper to fold, to tell the inbox's own cost from the engine's).
 * - catch-up: 100 stream clients catching up from seq 0 on a registry of CATCH_UP_EVENTS events at once, while
 *   `/healthz` is probed every 20 ms from a worker thread: its p99 and max latency during the catch-up (the daemon
 *   must keep answering).
 *
 * `node out/bench/daemon/live.js` runs it alone; `benchLive()` is what the benchmark runner calls.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { startDaemonProcess, type DaemonProcess } from '../../test/daemon/support/daemonProcess.js';
import { startHealthProbe } from './support/healthProbe.js';
import { describeError } from '../../daemon/src/protocol/index.js';
import { wsText } from '../../test/support/wsText.js';

const LATENCY_RATE = 200;
const LATENCY_SECONDS = 10;
const FANOUT_CLIENTS = 20;
const FANOUT_RATE = 2000;
const FANOUT_BATCH = 20;
const FANOUT_SECONDS = 5;
const INBOX_LINES = 100_000;
const CATCH_UP_EVENTS = Number(process.env.BENCH_CATCH_UP_EVENTS ?? 300_000);
const CATCH_UP_CLIENTS = 100;
const HEALTH_PROBE_MS = 20;

/** The seq and task id of an event frame, read without parsing the whole frame (the client must not be the bottleneck). */
const FRAME_SEQ = /^\{"type":"event","event":\{"seq":(\d+),/;
const FRAME_TASK = /"taskId":"([^"]+)"\}\}$/;

export async function benchLive(): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  Object.assign(results, await withDaemon('latency', benchLatency));
  Object.assign(results, await withDaemon('fanout', benchFanOut));
  Object.assign(results, await withDaemon('inbox-create', (d, home) => benchInbox(d, home, 'create')));
  Object.assign(results, await withDaemon('inbox-log', (d, home) => benchInbox(d, home, 'log')));
  Object.assign(results, await withDaemon('catch-up', benchCatchUp));
  return results;
}

async function withDaemon<T>(label: string, run: (d: DaemonProcess, home: string) => Promise<T>): Promise<T> {
  const home = mkdtempSync(join(tmpdir(), `agent-tracker-bench-live-${label}-`));
  const d = await startDaemonProcess(home);
  try {
    return await run(d, home);
  } finally {
    d.kill('SIGTERM');
    await d.exited;
    rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  }
}

// ---- request -> stream latency ---------------------------------------------------------------------------------------

async function benchLatency(d: DaemonProcess): Promise<Record<string, number>> {
  const total = LATENCY_RATE * LATENCY_SECONDS;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  // The response time too: it tells the durable write's share (fsync) of the stream latency.
  const responses: number[] = [];
  const stream = await openStream(d, (text, now) => {
    const id = FRAME_TASK.exec(text)?.[1];
    const sent = id === undefined ? undefined : sentAt.get(id);
    if (sent !== undefined && text.includes('"type":"task.created"')) latencies.push(now - sent);
  });
  let failures = 0;
  await warmUp(d, LATENCY_RATE, '/v1/tasks', (i) => ({ id: `warm-${i}`, title: `warm-up ${i}` }));
  const cpu = cpuMeter(d.pid);
  const started = performance.now();
  const requests: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    // Open loop: each request leaves at its own time, whether or not the earlier ones were answered.
    const due = started + (i * 1000) / LATENCY_RATE;
    const wait = due - performance.now();
    if (wait > 1) await delay(wait);
    const id = `lat-${i}`;
    const sent = performance.now();
    sentAt.set(id, sent);
    requests.push(
      d.http.post('/v1/tasks', { id, title: `latency ${i}` }).then((res) => {
        responses.push(performance.now() - sent);
        if (res.status !== 201) failures++;
      }),
    );
  }
  await Promise.all(requests);
  const rate = total / ((performance.now() - started) / 1000);
  await waitFor('every latency sample', () => latencies.length >= total, 30_000);
  const daemonCpu = cpu();
  stream.close();
  const p = percentiles(latencies);
  const r = percentiles(responses);
  print(
    `request -> stream event at ${rate.toFixed(0)} creates/s (${total} tasks): p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms, ` +
      `max ${p.max.toFixed(2)} ms (the 201 itself: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms), ${failures} failed; ` +
      `daemon CPU ${daemonCpu.toFixed(0)}% of one core`,
  );
  return {
    stream_latency_rate_per_s: round(rate),
    stream_latency_p50_ms: round(p.p50),
    stream_latency_p99_ms: round(p.p99),
    stream_latency_response_p99_ms: round(r.p99),
    stream_latency_failures: failures,
    stream_latency_daemon_cpu_pct: round(daemonCpu),
  };
}

/**
 * One second of the same requests at the same rate, unmeasured: the figures are then a warm daemon's, not its first
 * requests' compilation (on a fresh daemon the first creates took up to 190 ms to reach the stream).
 */
async function warmUp(d: DaemonProcess, perSecond: number, path: string, body: (i: number) => unknown): Promise<void> {
  const started = performance.now();
  const requests: Promise<unknown>[] = [];
  for (let i = 0; i < perSecond; i++) {
    const wait = started + (i * 1000) / perSecond - performance.now();
    if (wait > 1) await delay(wait);
    requests.push(d.http.ok(d.http.post(path, body(i))));
  }
  await Promise.all(requests);
}

// ---- fan-out ---------------------------------------------------------------------------------------------------------

interface FanOutClient {
  received: number;
  lastSeq: number;
  outOfOrder: number;
  socket: WebSocket;
}

async function benchFanOut(d: DaemonProcess): Promise<Record<string, number>> {
  const batches = (FANOUT_RATE / FANOUT_BATCH) * FANOUT_SECONDS;
  const total = batches * FANOUT_BATCH;
  const batchSentAt: number[] = [];
  const latencies: number[] = [];
  const clients: FanOutClient[] = [];
  await warmUp(d, FANOUT_RATE / FANOUT_BATCH, '/v1/events', (b) =>
    Array.from({ length: FANOUT_BATCH }, (_, i) => ({ op: 'create', taskId: `warm-${b}-${i}`, title: `warm-up ${b}/${i}` })),
  );
  const firstSeq = (await d.http.ok(d.http.get<{ seq: number }>('/healthz'))).seq;
  for (let c = 0; c < FANOUT_CLIENTS; c++) {
    const client: FanOutClient = { received: 0, lastSeq: firstSeq, outOfOrder: 0, socket: undefined as unknown as WebSocket };
    client.socket = (
      await openStream(d, (text, now) => {
        const seq = Number(FRAME_SEQ.exec(text)?.[1] ?? NaN);
        if (Number.isNaN(seq)) return;
        if (seq !== client.lastSeq + 1) client.outOfOrder++;
        client.lastSeq = seq;
        client.received++;
        const batch = Number(/^f(\d+)-/.exec(FRAME_TASK.exec(text)?.[1] ?? '')?.[1] ?? NaN);
        const sent = batchSentAt[batch];
        if (sent !== undefined) latencies.push(now - sent);
      }, firstSeq)
    ).socket;
    clients.push(client);
  }
  let failures = 0;
  const cpu = cpuMeter(d.pid);
  const ownCpu = cpuMeter(process.pid);
  const started = performance.now();
  const requests: Promise<void>[] = [];
  for (let b = 0; b < batches; b++) {
    const due = started + (b * 1000 * FANOUT_BATCH) / FANOUT_RATE;
    const wait = due - performance.now();
    if (wait > 1) await delay(wait);
    const lines = Array.from({ length: FANOUT_BATCH }, (_, i) => ({ op: 'create', taskId: `f${b}-${i}`, title: `fan-out ${b}/${i}` }));
    batchSentAt[b] = performance.now();
    requests.push(d.http.post('/v1/events', lines).then((res) => void (res.status === 200 || failures++)));
  }
  await Promise.all(requests);
  const rate = total / ((performance.now() - started) / 1000);
  const complete = await waitFor('every client to receive every event', () => clients.every((c) => c.received >= total), 60_000).then(
    () => true,
    () => false,
  );
  const daemonCpu = cpu();
  const clientsCpu = ownCpu();
  for (const client of clients) client.socket.close();
  const inOrder = clients.every((c) => c.outOfOrder === 0 && c.received === total);
  const p = percentiles(latencies);
  print(
    `fan-out to ${FANOUT_CLIENTS} clients at ${rate.toFixed(0)} events/s (${total} events): every client got every event in order: ${complete && inOrder}; ` +
      `p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms, max ${p.max.toFixed(2)} ms, ${failures} failed requests; ` +
      `daemon CPU ${daemonCpu.toFixed(0)}% of one core, the 20 clients and the load generator ${clientsCpu.toFixed(0)}%`,
  );
  return {
    fanout_clients: FANOUT_CLIENTS,
    fanout_rate_per_s: round(rate),
    fanout_all_received_in_order: complete && inOrder ? 1 : 0,
    fanout_p50_ms: round(p.p50),
    fanout_p99_ms: round(p.p99),
    fanout_daemon_cpu_pct: round(daemonCpu),
  };
}

// ---- inbox ingest ----------------------------------------------------------------------------------------------------

async function benchInbox(d: DaemonProcess, home: string, kind: 'create' | 'log'): Promise<Record<string, number>> {
  let base = (await d.http.ok(d.http.get<{ seq: number }>('/healthz'))).seq;
  if (kind === 'log') {
    await d.http.ok(d.http.post('/v1/tasks', { id: 'logged', title: 'receives the log lines' }));
    base += 1;
  }
  const lines: string[] = [];
  for (let i = 0; i < INBOX_LINES; i++) {
    lines.push(
      kind === 'create'
        ? JSON.stringify({ op: 'create', taskId: `in-${i}`, title: `inbox task ${i}`, type: 'bench', tags: ['bench'] })
        : JSON.stringify({ op: 'log', taskId: 'logged', message: `step ${i} finished`, level: 'info' }),
    );
  }
  // Written beside the inbox and renamed in: the daemon sees the whole file at once.
  const staged = join(home, 'bench.jsonl.tmp');
  writeFileSync(staged, lines.join('\n') + '\n');
  const cpu = cpuMeter(d.pid);
  const started = performance.now();
  renameSync(staged, join(home, 'inbox', 'bench.jsonl'));
  // Each line is one event: the durable seq tells when all are in (the cheap /healthz, not the whole /v1/stats).
  await waitFor(`${INBOX_LINES} inbox lines`, async () => (await d.http.ok(d.http.get<{ seq: number }>('/healthz'))).seq >= base + INBOX_LINES, 300_000);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = (cpu() / 100) * seconds;
  const stats = (await d.http.ok(d.http.get<{ inbox: { linesApplied: number; linesInvalid: number } }>('/v1/stats'))).inbox;
  const rate = INBOX_LINES / seconds;
  print(
    `inbox ingest of ${INBOX_LINES} ${kind} lines: ${seconds.toFixed(2)} s, ${rate.toFixed(0)} lines/s ` +
      `(${(INBOX_LINES / cpuSeconds).toFixed(0)} per daemon CPU second; applied ${stats.linesApplied}, invalid ${stats.linesInvalid})`,
  );
  return { [`inbox_${kind}_lines_per_s`]: round(rate), [`inbox_${kind}_lines_per_cpu_s`]: round(INBOX_LINES / cpuSeconds) };
}

// ---- helpers ---------------------------------------------------------------------------------------------------------

// ---- catch-up of many clients at once ------------------------------------------------------------------------------

async function benchCatchUp(d: DaemonProcess): Promise<Record<string, number>> {
  for (let start = 0; start < CATCH_UP_EVENTS; start += 1000) {
    const lines = Array.from({ length: Math.min(1000, CATCH_UP_EVENTS - start) }, (_, i) => ({ op: 'create', taskId: `c-${start + i}`, title: `Task ${start + i}` }));
    await d.http.ok(d.http.post('/v1/events', lines));
  }
  const probing = startHealthProbe({ url: d.info.url, intervalMs: HEALTH_PROBE_MS, timeoutMs: 5000 });
  const started = performance.now();
  let received = 0;
  const clients = await Promise.all(
    Array.from({ length: CATCH_UP_CLIENTS }, () =>
      openStream(d, () => received++, 0, 600_000).catch((error: unknown) => {
        throw new Error(`a client did not catch up: ${describeError(error)}`);
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const { latencies: probes, unanswered } = await probing.stop();
  for (const client of clients) client.close();
  const health = percentiles(probes);
  print(
    `catch-up: ${CATCH_UP_CLIENTS} clients x ${CATCH_UP_EVENTS} events in ${round(seconds)} s (${received} frames); ` +
      `/healthz p50 ${round(health.p50)} ms, p99 ${round(health.p99)} ms, max ${round(health.max)} ms over ${probes.length} probes, ${unanswered} unanswered within 5 s`,
  );
  return {
    catchUpSeconds: round(seconds),
    catchUpHealthP99Ms: round(health.p99),
    catchUpHealthMaxMs: round(health.max),
    catchUpHealthUnanswered: unanswered,
  };
}

async function openStream(
  d: DaemonProcess,
  onFrame: (text: string, now: number) => void,
  after?: number,
  liveWithinMs = 10_000,
): Promise<{ socket: WebSocket; close(): void }> {
  const seq = after ?? (await d.http.ok(d.http.get<{ seq: number }>('/healthz'))).seq;
  const socket = new WebSocket(`${d.info.url.replace(/^http/, 'ws')}/v1/stream?after=${seq}`, {
    headers: { authorization: `Bearer ${d.http.token}` },
  });
  let live = false;
  socket.on('message', (data) => {
    const now = performance.now();
    const text = wsText(data);
    if (!live && text.startsWith('{"type":"live"')) live = true;
    else onFrame(text, now);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await waitFor('the live frame', () => live, liveWithinMs);
  return { socket, close: () => socket.close() };
}

async function waitFor(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/**
 * The daemon's CPU use from now until the returned function is called, in percent of one core (from /proc: the other
 * processes on the machine change the wall-clock figures, not this one). NaN where /proc is missing.
 */
function cpuMeter(pid: number): () => number {
  const ticks = () => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return NaN;
    }
  };
  const start = ticks();
  const started = performance.now();
  // Linux reports these in USER_HZ, 100 per second.
  return () => ((ticks() - start) / 100 / ((performance.now() - started) / 1000)) * 100;
}

function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  if (samples.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) as number };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function print(line: string): void {
  process.stdout.write(`[live] ${line}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `node out/bench/daemon/live.js catch-up` runs that scenario alone.
  const results = process.argv[2] === 'catch-up' ? await withDaemon('catch-up', benchCatchUp) : await benchLive();
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
