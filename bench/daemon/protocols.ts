/**
 * The protocol endpoints against a real daemon process, each with a baseline measured in the same run:
 * - OTLP log records ingested per second (Claude Code `api_request` records, 500 per export request, each a distinct
 *   model request), encoded by OpenTelemetry's own serializers as OTLP/JSON and as OTLP/protobuf, against the same
 *   usage sent as batch commands on `POST /v1/events` (goal: >= 20k records/s), with the daemon's CPU per 1000 records
 *   of each (from /proc) and what parsing the OTLP/JSON bodies alone costs (JSON.parse, in this process): the floor
 *   under OTLP/JSON's CPU that no mapping work can go below;
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
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startDaemonProcess, stopDaemonProcess } from '../../test/daemon/support/daemonProcess.js';
import { cpuSeconds } from './support/servers.js';

const BATCH = 500;
const BATCHES = 40;
const CALLS = 200;

export async function benchProtocols(): Promise<Record<string, number>> {
  const home = mkdtempSync(join(tmpdir(), 'agent-tracker-bench-protocols-'));
  const daemon = await startDaemonProcess(home);
  const { url } = daemon.info;
  const headers = { authorization: `Bearer ${daemon.http.token}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => send(path, JSON.stringify(body), 'application/json');
  const send = async (path: string, body: string | Uint8Array, type: string) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { ...headers, 'content-type': type }, body });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  try {
    const session = 'bench-session';
    await post('/v1/tasks', { id: 'bench-turn', title: 'bench turn', state: 'active', agentId: `claude-code:${session}` });
    let n = 0;
    // Export requests are encoded before the clock starts: the figure is the daemon's, not the encoder's.
    const exports = (encode: (records: ReadableLogRecord[]) => Uint8Array | undefined) =>
      Array.from({ length: BATCHES + 1 }, () => encode(Array.from({ length: BATCH }, () => apiRequest(session, n++))) ?? new Uint8Array());
    const jsonExports = exports((records) => JsonLogsSerializer.serializeRequest(records));
    const protobufExports = exports((records) => ProtobufLogsSerializer.serializeRequest(records));
    const commandBatches = Array.from({ length: BATCHES + 1 }, () =>
      JSON.stringify(
        Array.from({ length: BATCH }, () => ({ op: 'usage', taskId: 'bench-turn', inputTokens: 10, outputTokens: 5, costUsd: 0.001, requestId: `claude-code:${session}:cmd_${n++}` })),
      ),
    );
    // The three are sent in turn, one body of each per round, so that drift over the run (the log and the registry
    // growing, the collector's pace, other load on the machine) falls on each alike, not on whichever went last.
    const protocols = [
      { bodies: commandBatches, path: '/v1/events', type: 'application/json' },
      { bodies: jsonExports, path: '/v1/logs', type: 'application/json' },
      { bodies: protobufExports, path: '/v1/logs', type: 'application/x-protobuf' },
    ].map((protocol) => ({ ...protocol, ms: 0, cpu: 0 }));
    for (let round = 0; round <= BATCHES; round++) {
      for (const protocol of protocols) {
        const body = protocol.bodies[round] as string | Uint8Array;
        const cpuBefore = cpuSeconds(daemon.pid) ?? 0;
        const started = performance.now();
        await send(protocol.path, body, protocol.type);
        // Round 0 warms each one up.
        if (round === 0) continue;
        protocol.ms += performance.now() - started;
        protocol.cpu += (cpuSeconds(daemon.pid) ?? 0) - cpuBefore;
      }
    }
    const records = BATCH * BATCHES;
    /** Records per second, and the daemon's CPU ms per 1000 of them (from /proc's clock ticks, summed over the rounds). */
    const [commands, otlp, otlpProtobuf] = protocols.map((p) => ({ perSec: Math.round(records / (p.ms / 1000)), cpuMsPer1000: round((p.cpu * 1e6) / records) })) as [Rate, Rate, Rate];
    const parseStarted = process.cpuUsage();
    const decoder = new TextDecoder();
    for (const body of jsonExports.slice(1)) JSON.parse(decoder.decode(body));
    const parseUsed = process.cpuUsage(parseStarted);
    const jsonParseMsPer1000 = round((parseUsed.user + parseUsed.system) / 1000 / ((BATCH * BATCHES) / 1000));

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
      otlpRecordsPerSec: otlp.perSec,
      otlpProtobufRecordsPerSec: otlpProtobuf.perSec,
      usageCommandsPerSec: commands.perSec,
      otlpVsCommands: round(otlp.perSec / commands.perSec),
      otlpProtobufVsCommands: round(otlpProtobuf.perSec / commands.perSec),
      otlpCpuMsPer1000: otlp.cpuMsPer1000,
      otlpProtobufCpuMsPer1000: otlpProtobuf.cpuMsPer1000,
      commandsCpuMsPer1000: commands.cpuMsPer1000,
      otlpJsonParseMsPer1000: jsonParseMsPer1000,
      mcpCallMedianMs: round(percentile(mcp, 0.5)),
      mcpCallP95Ms: round(percentile(mcp, 0.95)),
      restGetMedianMs: round(percentile(rest, 0.5)),
      mcpVsRest: round(percentile(mcp, 0.5) / percentile(rest, 0.5)),
    };
    console.log('\nprotocols (real daemon process)');
    console.table({
      'OTLP/JSON log records / s': { value: figures.otlpRecordsPerSec, baseline: `${figures.usageCommandsPerSec} usage commands / s`, ratio: figures.otlpVsCommands },
      'OTLP/protobuf log records / s': { value: figures.otlpProtobufRecordsPerSec, baseline: 'the same', ratio: figures.otlpProtobufVsCommands },
      'daemon CPU ms / 1000 OTLP/JSON records': {
        value: figures.otlpCpuMsPer1000,
        baseline: `${figures.commandsCpuMsPer1000} ms / 1000 usage commands`,
        ratio: round(figures.otlpCpuMsPer1000 / figures.commandsCpuMsPer1000),
      },
      'daemon CPU ms / 1000 OTLP/protobuf records': { value: figures.otlpProtobufCpuMsPer1000, baseline: 'the same', ratio: round(figures.otlpProtobufCpuMsPer1000 / figures.commandsCpuMsPer1000) },
      'JSON.parse of the OTLP/JSON bodies alone, ms / 1000 records': {
        value: figures.otlpJsonParseMsPer1000,
        baseline: 'the commands\' whole CPU above',
        ratio: round(figures.otlpJsonParseMsPer1000 / figures.commandsCpuMsPer1000),
      },
      'MCP tool call median ms': { value: figures.mcpCallMedianMs, baseline: `${figures.restGetMedianMs} ms GET /v1/tasks/:id`, ratio: figures.mcpVsRest },
      'MCP tool call p95 ms': { value: figures.mcpCallP95Ms, baseline: '', ratio: '' },
    });
    return figures;
  } finally {
    await stopDaemonProcess(daemon);
    rmSync(home, { recursive: true, force: true });
  }
}

const RESOURCE = resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.197' });
const SCOPE = { name: 'com.anthropic.claude_code.events' };

/** One Claude Code `api_request` record as the logs SDK hands it to an exporter. */
function apiRequest(session: string, i: number): ReadableLogRecord {
  const now = Date.now();
  const hrTime: [number, number] = [Math.floor(now / 1000), (now % 1000) * 1e6];
  return {
    hrTime,
    hrTimeObserved: hrTime,
    body: 'claude_code.api_request',
    resource: RESOURCE,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    attributes: {
      'event.name': 'api_request',
      'event.timestamp': new Date(now).toISOString(),
      'event.sequence': i,
      'session.id': session,
      model: 'claude-sonnet-4-5',
      input_tokens: 10,
      output_tokens: 5,
      cost_usd: 0.001,
      duration_ms: 900,
      request_id: `req_${i}`,
    },
  };
}

interface Rate {
  perSec: number;
  cpuMsPer1000: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchProtocols();
