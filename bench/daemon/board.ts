/**
 * Benchmarks of the web board and webhooks, against a real daemon process and Debian's Chromium:
 * - first render: a registry of 10,000 tasks (2,000 open over 20 agents, 8,000 finished), from the login link to the
 *   board drawn from its snapshot (the page's `board:first-render` mark, navigation start = 0);
 * - stream event -> DOM: new tasks at a steady 20/s; in the page, from the WebSocket frame's arrival to its row in
 *   the DOM (both on the page's clock);
 * - webhook delivery latency: failed tasks at a steady 20/s with a JSON webhook to a receiver on loopback, from the
 *   transition's response to the receiver's request.
 *
 * `node out/bench/daemon/board.js` runs it alone; `benchBoard()` is what the benchmark runner calls.
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { startDaemonProcess, type DaemonProcess } from '../../test/daemon/support/daemonProcess.js';

const OPEN_TASKS = 2000;
const FINISHED_TASKS = 8000;
const AGENTS = 20;
const RATE = 20;
const SECONDS = 10;

export async function benchBoard(): Promise<Record<string, number>> {
  const home = mkdtempSync(join(tmpdir(), 'agent-tracker-bench-board-'));
  const d = await startDaemonProcess(home);
  try {
    await seed(d);
    const results = await benchBrowser(d);
    Object.assign(results, await benchWebhooks(d));
    printTable(results);
    return results;
  } finally {
    d.kill('SIGTERM');
    await d.exited;
    rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function seed(d: DaemonProcess): Promise<void> {
  const commands: Record<string, unknown>[] = [];
  for (let i = 0; i < OPEN_TASKS + FINISHED_TASKS; i++) {
    const agentId = `agent-${i % AGENTS}`;
    const open = i < OPEN_TASKS;
    commands.push({ op: 'create', id: `c${i}`, taskId: `t${i}`, title: `Task ${i}: ${open ? 'open work' : 'finished work'}`, ...(i % 2 || !open ? { state: 'active', agentId } : {}) });
    if (!open) commands.push({ op: 'transition', id: `d${i}`, taskId: `t${i}`, to: i % 10 ? 'done' : 'failed' });
  }
  for (let i = 0; i < commands.length; i += 1000) await d.http.ok(d.http.post('/v1/events', commands.slice(i, i + 1000)));
}

async function benchBrowser(d: DaemonProcess): Promise<Record<string, number>> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const renders: number[] = [];
    for (let run = 0; run < 3; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true }); // the probes below are evaluated as strings
      const page = await context.newPage();
      const { url } = await d.http.ok(d.http.post<{ url: string }>('/v1/login-codes'));
      await page.goto(url);
      await page.waitForFunction("performance.getEntriesByName('board:first-render').length > 0", undefined, { timeout: 30_000 });
      renders.push(Number(await page.evaluate("performance.getEntriesByName('board:first-render')[0].startTime")));
      await context.close();
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true }); // the probes below are evaluated as strings
    // Frame arrivals and rows appearing, both timed in the page.
    await context.addInitScript(`
      window.__arrived = new Map(); window.__shown = new Map();
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(...args) {
          super(...args);
          this.addEventListener('message', (m) => {
            const hit = /"type":"task\\.created".*?"taskId":"(live-\\d+)"/.exec(m.data) || /"taskId":"(live-\\d+)".*?"type":"task\\.created"/.exec(m.data);
            if (hit && !window.__arrived.has(hit[1])) window.__arrived.set(hit[1], performance.now());
          });
        }
      };
      new MutationObserver(() => {
        const now = performance.now();
        for (const id of window.__arrived.keys()) if (!window.__shown.has(id) && document.querySelector('[data-task="' + id + '"]')) window.__shown.set(id, now);
      }).observe(document, { subtree: true, childList: true });
    `);
    const page = await context.newPage();
    const { url } = await d.http.ok(d.http.post<{ url: string }>('/v1/login-codes'));
    await page.goto(url);
    await page.waitForFunction("performance.getEntriesByName('board:first-render').length > 0", undefined, { timeout: 30_000 });
    await page.locator('.b-status', { hasText: /live|need/ }).waitFor();
    const total = RATE * SECONDS;
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await delay(wait);
      void d.http.post('/v1/tasks', { id: `live-${i}`, title: `Live ${i}`, priority: 10, state: 'active', agentId: `agent-${i % AGENTS}` });
    }
    await page.waitForFunction(`window.__shown.size >= ${total}`, undefined, { timeout: 30_000 }).catch(() => undefined);
    const latencies = await page.evaluate<number[]>('[...window.__arrived].filter(([id]) => window.__shown.has(id)).map(([id, at]) => window.__shown.get(id) - at)');
    await context.close();
    return {
      boardFirstRenderMedianMs: round(percentile(renders, 50)),
      boardFirstRenderMaxMs: round(Math.max(...renders)),
      boardEventToDomP50Ms: round(percentile(latencies, 50)),
      boardEventToDomP99Ms: round(percentile(latencies, 99)),
      boardEventsShown: latencies.length,
      boardEventsSent: total,
    };
  } finally {
    await browser.close();
  }
}

async function benchWebhooks(d: DaemonProcess): Promise<Record<string, number>> {
  const arrived = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const taskId = (JSON.parse(body) as { task?: { id?: string } }).task?.id;
      if (taskId && !arrived.has(taskId)) arrived.set(taskId, performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const hook = await d.http.ok(d.http.post<{ id: string }>('/v1/webhooks', { url, events: ['task.failed'], secret: 'bench-secret-1' }));
    const total = RATE * SECONDS;
    const acked = new Map<string, number>();
    const started = performance.now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await delay(wait);
      const id = `wh-${i}`;
      sends.push(
        (async () => {
          await d.http.ok(d.http.post('/v1/tasks', { id, title: `Webhook ${i}`, state: 'active', agentId: 'agent-0' }));
          await d.http.ok(d.http.post(`/v1/tasks/${id}/transition`, { to: 'failed', error: { message: 'bench' } }));
          acked.set(id, performance.now());
        })(),
      );
    }
    await Promise.all(sends);
    const deadline = Date.now() + 30_000;
    while (arrived.size < total && Date.now() < deadline) await delay(50);
    const latencies = [...acked].filter(([id]) => arrived.has(id)).map(([id, at]) => (arrived.get(id) as number) - at);
    await d.http.request('DELETE', `/v1/webhooks/${hook.id}`);
    return {
      webhookLatencyP50Ms: round(percentile(latencies, 50)),
      webhookLatencyP99Ms: round(percentile(latencies, 99)),
      webhookDelivered: latencies.length,
      webhookSent: total,
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function printTable(r: Record<string, number>): void {
  console.log('\nweb board and webhooks (10,000 tasks: 2,000 open over 20 agents, 8,000 finished)');
  console.log('| measure | result | goal |');
  console.log('| --- | --- | --- |');
  console.log(`| first render from the login link, 10,000 tasks | median ${r.boardFirstRenderMedianMs} ms, max ${r.boardFirstRenderMaxMs} ms (3 loads) | < 1 s |`);
  console.log(`| stream event -> row in the DOM at ${RATE} creates/s | p50 ${r.boardEventToDomP50Ms} ms, p99 ${r.boardEventToDomP99Ms} ms (${r.boardEventsShown} of ${r.boardEventsSent}) | p99 < 100 ms |`);
  console.log(`| webhook delivery after the transition's response, ${RATE}/s | p50 ${r.webhookLatencyP50Ms} ms, p99 ${r.webhookLatencyP99Ms} ms (${r.webhookDelivered} of ${r.webhookSent}) | p99 < 1 s |`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchBoard();
}
