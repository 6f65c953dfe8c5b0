/**
 * The protocol endpoints against a real daemon process, each with a baseline measured in the same run:
 * - OTLP log records ingested per second (Claude Code `api_request` records, 500 per export request, each a distinct
 *   model request), against the same usage sent as batch commands on `POST /v1/events` (goal: >= 20k records/s);
 * - MCP tool-call latency (`tracker_get_task` over Streamable HTTP with the official SDK client, median and p95),
 *   against `GET /v1/tasks/:id` with plain fetch.
 *
 * `node out/bench/daemon/protocols.js` runs it alone; `benchProtocols()` is what the benchmark runner calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startDaemonProcess, stopDaemonProcess } from '../../test/daemon/support/daemonProcess.js';

const BATCH = 500;
const BATCHES = 40;
const CALLS = 200;

export async function benchProtocols(): Promise<Record<string, number>> {
  const home = mkdtempSync(join(tmpdir(), 'agent-tracker-bench-protocols-'));
  const daemon = await startDaemonProcess(home);
  const { url } = daemon.info;
  const headers = { authorization: `Bearer ${daemon.http.token}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  try {
    const session = 'bench-session';
    await post('/v1/tasks', { id: 'bench-turn', title: 'bench turn', state: 'active', agentId: `claude-code:${session}` });
    let n = 0;
    const otlpBatch = () => ({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
          scopeLogs: [{ logRecords: Array.from({ length: BATCH }, () => apiRequest(session, n++)) }],
        },
      ],
    });
    const commandBatch = () =>
      Array.from({ length: BATCH }, () => ({ op: 'usage', taskId: 'bench-turn', inputTokens: 10, outputTokens: 5, costUsd: 0.001, requestId: `claude-code:${session}:cmd_${n++}` }));
    const rate = async (send: () => Promise<void>) => {
      const started = performance.now();
      for (let i = 0; i < BATCHES; i++) await send();
      return Math.round((BATCH * BATCHES) / ((performance.now() - started) / 1000));
    };
    await post('/v1/logs', otlpBatch());
    await post('/v1/events', commandBatch());
    const commandsPerSec = await rate(() => post('/v1/events', commandBatch()));
    const otlpPerSec = await rate(() => post('/v1/logs', otlpBatch()));

    const client = new Client({ name: 'bench', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { Authorization: headers.authorization } } }));
    const mcp: number[] = [];
    const rest: number[] = [];
    for (let i = 0; i < CALLS + 10; i++) {
      let t = performance.now();
      const result = await client.callTool({ name: 'tracker_get_task', arguments: { taskId: 'bench-turn' } });
      if (result.isError) throw new Error(JSON.stringify(result.content));
      if (i >= 10) mcp.push(performance.now() - t);
      t = performance.now();
      const res = await fetch(`${url}/v1/tasks/bench-turn`, { headers });
      await res.json();
      if (i >= 10) rest.push(performance.now() - t);
    }
    await client.close();
    const figures = {
      otlpRecordsPerSec: otlpPerSec,
      usageCommandsPerSec: commandsPerSec,
      otlpVsCommands: round(otlpPerSec / commandsPerSec),
      mcpCallMedianMs: round(percentile(mcp, 0.5)),
      mcpCallP95Ms: round(percentile(mcp, 0.95)),
      restGetMedianMs: round(percentile(rest, 0.5)),
      mcpVsRest: round(percentile(mcp, 0.5) / percentile(rest, 0.5)),
    };
    console.log('\nprotocols (real daemon process)');
    console.table({
      'OTLP log records / s': { value: figures.otlpRecordsPerSec, baseline: `${figures.usageCommandsPerSec} usage commands / s`, ratio: figures.otlpVsCommands },
      'MCP tool call median ms': { value: figures.mcpCallMedianMs, baseline: `${figures.restGetMedianMs} ms GET /v1/tasks/:id`, ratio: figures.mcpVsRest },
      'MCP tool call p95 ms': { value: figures.mcpCallP95Ms, baseline: '', ratio: '' },
    });
    return figures;
  } finally {
    await stopDaemonProcess(daemon);
    rmSync(home, { recursive: true, force: true });
  }
}

function apiRequest(session: string, i: number) {
  const attr = (key: string, value: Record<string, unknown>) => ({ key, value });
  return {
    timeUnixNano: `${BigInt(Date.now()) * 1_000_000n}`,
    body: { stringValue: 'claude_code.api_request' },
    attributes: [
      attr('event.name', { stringValue: 'api_request' }),
      attr('session.id', { stringValue: session }),
      attr('model', { stringValue: 'claude-sonnet-4-5' }),
      attr('input_tokens', { intValue: '10' }),
      attr('output_tokens', { intValue: '5' }),
      attr('cost_usd', { doubleValue: 0.001 }),
      attr('request_id', { stringValue: `req_${i}` }),
    ],
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchProtocols();
