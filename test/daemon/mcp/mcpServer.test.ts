/**
 * The MCP server through the official SDK client, over both transports: Streamable HTTP on the daemon's `/mcp`, and
 * stdio through `agent-tracker mcp` as an agent starts it. The same scenarios run on both.
 */
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { CLI_PATH } from '../support/daemonProcess.js';
import { cliEnv } from '../support/runCli.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

const TOOLS = [
  'tracker_list_tasks',
  'tracker_get_task',
  'tracker_create_task',
  'tracker_report_progress',
  'tracker_transition_task',
  'tracker_claim_next',
  'tracker_log',
];

interface ToolResult {
  isError?: boolean;
  content: { type: string; text?: string }[];
}

function payload<T>(result: ToolResult): T {
  const text = result.content.find((c) => c.type === 'text')?.text;
  assert.ok(text !== undefined, 'a text content item');
  return JSON.parse(text) as T;
}

const transports: { name: string; open: (d: TestDaemon) => Transport }[] = [
  {
    name: 'Streamable HTTP (POST /mcp)',
    open: (d) =>
      new StreamableHTTPClientTransport(new URL(`${d.daemon.url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${d.daemon.token}` } },
      }),
  },
  {
    name: 'stdio (agent-tracker mcp)',
    open: (d) =>
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI_PATH, 'mcp', '--home', d.home],
        env: cliEnv() as Record<string, string>,
        stderr: 'pipe',
      }),
  },
];

for (const { name, open } of transports) {
  describe(`mcp: tools over ${name}`, function () {
    this.timeout(30_000);
    let d: TestDaemon;
    let client: Client;

    before(async () => {
      d = await startTestDaemon();
      client = new Client({ name: 'mcp-test', version: '1.0.0' });
      await client.connect(open(d));
    });

    after(async () => {
      await client?.close();
      await d?.close();
    });

    const call = async (tool: string, args: Record<string, unknown>) =>
      (await client.callTool({ name: tool, arguments: args })) as ToolResult;

    it('lists the tracker tools with the protocol\'s input schemas', async () => {
      const { tools } = await client.listTools();
      for (const tool of TOOLS) assert.ok(tools.some((t) => t.name === tool), `${tool} is listed`);
      const create = tools.find((t) => t.name === 'tracker_create_task');
      assert.deepEqual(create?.inputSchema.required, ['title']);
      const properties = create?.inputSchema.properties as Record<string, { enum?: string[]; maxLength?: number }>;
      assert.deepEqual([...(properties.state?.enum ?? [])].sort(), ['active', 'backlog', 'pending']);
      assert.equal(properties.title?.maxLength, 500);
    });

    it('offers no tool that decides an approval: an agent must never approve its own request', async () => {
      const { tools } = await client.listTools();
      const deciding = tools.filter(
        (t) => /approval|approve|decid|decision|permission|allow|deny|answer/i.test(t.name) || /"(decision|approvalId|answers)"/.test(JSON.stringify(t.inputSchema)),
      );
      assert.ok(tools.length >= TOOLS.length);
      assert.deepEqual(deciding.map((t) => t.name), []);
    });

    it('creates a task that the daemon then holds, and reports on it', async () => {
      const created = await call('tracker_create_task', { id: 'mcp-1', title: 'Ship it', state: 'active', agentId: 'mcp-agent' });
      assert.equal(created.isError, undefined, JSON.stringify(created));
      assert.equal(payload<Task>(created).state, 'active');
      const held = await d.http.request<Task>('GET', '/v1/tasks/mcp-1');
      assert.equal(held.status, 200);
      assert.equal(held.body.title, 'Ship it');
      assert.equal(held.body.agentId, 'mcp-agent');

      const progressed = payload<Task>(await call('tracker_report_progress', { taskId: 'mcp-1', progress: 40, step: 'tests' }));
      assert.equal(progressed.progress, 40);
      assert.equal(progressed.step, 'tests');
      await call('tracker_log', { taskId: 'mcp-1', message: 'half way', level: 'info' });
      const events = await d.http.request<{ items: { type: string; data: { message?: string } }[] }>('GET', '/v1/tasks/mcp-1/events');
      assert.ok(events.body.items.some((e) => e.type === 'task.log' && e.data.message === 'half way'));

      const listed = payload<{ items: { id: string; state: string }[]; total: number }>(
        await call('tracker_list_tasks', { state: ['active'] }),
      );
      assert.deepEqual(listed.items.map((t) => [t.id, t.state]), [['mcp-1', 'active']]);
      const done = payload<Task>(await call('tracker_transition_task', { taskId: 'mcp-1', to: 'done', result: { ok: true } }));
      assert.equal(done.state, 'done');
      assert.equal((await d.http.request<Task>('GET', '/v1/tasks/mcp-1')).body.state, 'done');
    });

    it('refuses a move the state machine forbids with invalid_transition as a tool error', async () => {
      await call('tracker_create_task', { id: 'mcp-2', title: 'Not started' });
      const refused = await call('tracker_transition_task', { taskId: 'mcp-2', to: 'done' });
      assert.equal(refused.isError, true);
      const { error } = payload<{ error: { code: string; message: string; details: { from: string; allowed: string[] } } }>(refused);
      assert.equal(error.code, 'invalid_transition');
      assert.equal(error.details.from, 'pending');
      assert.ok(error.details.allowed.includes('active'));
      assert.equal((await d.http.request<Task>('GET', '/v1/tasks/mcp-2')).body.state, 'pending', 'nothing changed');
      const missing = await call('tracker_get_task', { taskId: 'no-such-task' });
      assert.equal(missing.isError, true);
      assert.equal(payload<{ error: { code: string } }>(missing).error.code, 'not_found');
    });

    it('claims the next task for an agent, and says when there is none', async () => {
      await call('tracker_create_task', { id: 'mcp-3', title: 'Claim me', priority: 9 });
      const claimed = payload<{ task: Task; leaseToken: string }>(await call('tracker_claim_next', { agentId: 'worker' }));
      assert.equal(claimed.task.id, 'mcp-3');
      assert.equal(claimed.task.agentId, 'worker');
      assert.equal(claimed.task.lease?.agentId, 'worker');
      assert.ok(claimed.leaseToken.length > 10);
      // mcp-2 is still pending, so claim it, then nothing is left.
      assert.equal(payload<{ task: Task }>(await call('tracker_claim_next', { agentId: 'worker' })).task.id, 'mcp-2');
      assert.equal(payload<{ task: null }>(await call('tracker_claim_next', { agentId: 'worker' })).task, null);
    });

    it('rejects arguments outside the schema without touching the registry', async () => {
      const seqBefore = d.daemon.tracker.state.seq;
      const bad = await call('tracker_create_task', { title: 'x'.repeat(501) });
      assert.equal(bad.isError, true);
      assert.equal(d.daemon.tracker.state.seq, seqBefore);
    });
  });
}

describe('mcp: POST /mcp security', () => {
  let d: TestDaemon;
  before(async () => (d = await startTestDaemon()));
  after(async () => d?.close());

  const initialize = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  };
  const accept = { accept: 'application/json, text/event-stream' };

  it('answers an initialize with the token', async () => {
    const res = await d.http.request<{ result: { serverInfo: { name: string } } }>('POST', '/mcp', { body: initialize, headers: accept });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.result.serverInfo.name, 'agent-tracker');
  });

  it('is 401 without the token or with a wrong one', async () => {
    for (const token of [null, 'wrong-token-wrong-token']) {
      const res = await d.http.request<{ error: { code: string } }>('POST', '/mcp', { body: initialize, headers: accept, token });
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'unauthorized');
    }
  });

  it('is 403 from a web page (Origin) or under a foreign Host', async () => {
    const fromPage = await d.http.request('POST', '/mcp', { body: initialize, headers: { ...accept, origin: 'http://evil.example' } });
    assert.equal(fromPage.status, 403);
    const rebound = await d.http.request('POST', '/mcp', { body: initialize, headers: { ...accept, host: `evil.example:${d.http.port}` } });
    assert.equal(rebound.status, 403);
  });

  it('has no session stream: GET is 405', async () => {
    const res = await d.http.request('GET', '/mcp', { headers: accept });
    assert.equal(res.status, 405);
  });
});
