/**
 * `agent-tracker mcp` over stdio answers a line it cannot read as JSON-RPC asks: -32700 (parse error) for text that is
 * not JSON, -32600 (invalid request) for JSON that is not a JSON-RPC message, both with id null; and it goes on serving.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CLI_PATH } from '../support/daemonProcess.js';
import { cliEnv } from '../support/runCli.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

interface Reply {
  jsonrpc: string;
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string };
}

describe('mcp: stdio lines it cannot read', function () {
  this.timeout(30_000);
  let d: TestDaemon;
  before(async () => (d = await startTestDaemon()));
  after(async () => d?.close());

  it('answers each with the JSON-RPC error, then serves the next request', async () => {
    const child = spawn(process.execPath, [CLI_PATH, 'mcp', '--home', d.home], { env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const replies: Reply[] = [];
      const lines = createInterface({ input: child.stdout });
      const next = () =>
        new Promise<Reply>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no reply; so far: ${JSON.stringify(replies)}`)), 15_000);
          lines.once('line', (line) => {
            clearTimeout(timer);
            const reply = JSON.parse(line) as Reply;
            replies.push(reply);
            resolve(reply);
          });
        });
      child.stdin.write('this is not json\n');
      const parseError = await next();
      assert.deepEqual([parseError.jsonrpc, parseError.id, parseError.error?.code], ['2.0', null, -32700]);
      child.stdin.write('{"hello": "world"}\n');
      const invalid = await next();
      assert.deepEqual([invalid.id, invalid.error?.code], [null, -32600]);
      const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
      child.stdin.write(`${JSON.stringify(initialize)}\n`);
      const ok = await next();
      assert.equal(ok.id, 1);
      assert.ok(ok.result, JSON.stringify(ok));
    } finally {
      child.stdin.end();
      await exited;
    }
  });
});
