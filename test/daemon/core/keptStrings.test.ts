/**
 * Strings every store keeps: U+0000 and lone UTF-16 surrogates are refused with 400 `validation_failed` at every edge
 * (HTTP bodies, batch lines, inbox lines, OTLP, MCP), naming the field, and a bad string never fails the writes
 * committed with it. Agents' hook payloads are cleaned instead (U+FFFD in place of what no store keeps). Runs against
 * the file store and, in `npm run test:daemon:postgres`, against PostgreSQL, which refuses these strings itself.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { holdsFor, pollUntil } from '../../support/poll.js';
import { expectError } from '../support/http.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

const NUL = 'a\u0000b';
const LONE_HIGH = 'a\uD800b';
const LONE_LOW = '\uDC00 at the start';

interface BatchResult {
  ok: boolean;
  error?: { code: string; details?: { path: string }[] };
}

interface InboxStats {
  linesApplied: number;
  linesInvalid: number;
  lastError: { message: string } | null;
}

describe('core: strings every store keeps', function () {
  this.timeout(30_000);
  let d: TestDaemon;
  before(async () => (d = await startTestDaemon()));
  after(async () => d?.close());

  const seq = async () => (await d.http.ok(d.http.get<{ seq: number }>('/healthz'))).seq;

  it('HTTP: refused with 400 naming the field, in values and keys, and nothing changes', async () => {
    const before = await seq();
    const cases: [unknown, string][] = [
      [{ id: 'nul-title', title: NUL }, 'title'],
      [{ id: 'lone-high', title: 'ok', description: LONE_HIGH }, 'description'],
      [{ id: 'lone-low', title: 'ok', tags: ['fine', LONE_LOW] }, 'tags.1'],
      [{ id: 'nul-key', title: 'ok', input: { nested: { [NUL]: 1 } } }, `input.nested.${NUL}`],
      [{ id: 'nul-deep', title: 'ok', result: { list: [{ text: `tool output ${NUL}` }] } }, 'result.list.0.text'],
    ];
    for (const [body, path] of cases) {
      const error = expectError(await d.http.post('/v1/tasks', body), 400, 'validation_failed');
      assert.deepEqual((error.details as { path: string }[]).map((x) => x.path), [path]);
    }
    await d.http.ok(d.http.post('/v1/tasks', { id: 'kept', title: 'A pair is fine: \uD83D\uDE00' }));
    const error = expectError(await d.http.request('PATCH', '/v1/tasks/kept', { body: { step: NUL } }), 400, 'validation_failed');
    assert.match(error.message, /step/);
    expectError(await d.http.post('/v1/agents/coder/heartbeat', { meta: { cwd: `/work/${NUL}` } }), 400, 'validation_failed');
    assert.equal(await seq(), before + 1, 'only the good create wrote');
    assert.equal((await d.http.ok(d.http.get<Task>('/v1/tasks/kept'))).title, 'A pair is fine: \uD83D\uDE00');
  });

  it('one bad write among 30 concurrent innocent ones fails alone', async () => {
    const writes = Array.from({ length: 31 }, (_, i) =>
      d.http.post('/v1/tasks', i === 15 ? { id: 'bad-among', title: NUL } : { id: `innocent-${i}`, title: `Innocent ${i}` }),
    );
    const answers = await Promise.all(writes);
    assert.deepEqual(
      answers.map((a) => a.status),
      answers.map((_, i) => (i === 15 ? 400 : 201)),
    );
  });

  it('batch: the bad line alone is refused', async () => {
    const { results } = await d.http.ok(
      d.http.post<{ results: BatchResult[] }>('/v1/events', [
        { op: 'create', taskId: 'batch-1', title: 'Good' },
        { op: 'log', taskId: 'batch-1', message: `output ${NUL}` },
        { op: 'create', taskId: 'batch-2', title: LONE_HIGH },
        { op: 'log', taskId: 'batch-1', message: 'after' },
      ]),
    );
    assert.deepEqual(results.map((r) => r.ok), [true, false, false, true]);
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => [r.error?.code, r.error?.details?.[0]?.path]), [
      ['validation_failed', 'message'],
      ['validation_failed', 'title'],
    ]);
  });

  it('inbox: a line with one is counted invalid and never retried; the lines around it apply', async () => {
    const stats = async () => (await d.http.ok(d.http.get<{ inbox: InboxStats }>('/v1/stats'))).inbox;
    const start = await stats();
    const lines = [
      { op: 'create', taskId: 'inbox-1', title: 'Before' },
      { op: 'create', taskId: 'inbox-bad', title: NUL },
      { op: 'create', taskId: 'inbox-2', title: 'After' },
    ];
    appendFileSync(join(d.home, 'inbox', 'strings.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const read = await pollUntil('the three lines read', async () => {
      const s = await stats();
      return s.linesApplied + s.linesInvalid - start.linesApplied - start.linesInvalid === 3 ? s : undefined;
    });
    assert.deepEqual([read.linesApplied - start.linesApplied, read.linesInvalid - start.linesInvalid], [2, 1]);
    assert.match(read.lastError?.message ?? '', /U\+0000/);
    // The inbox rescans every second: the line is not tried again.
    await holdsFor('the bad line never retried', async () => (await stats()).linesInvalid === read.linesInvalid, 2500);
    expectError(await d.http.get('/v1/tasks/inbox-bad'), 404, 'not_found');
    await d.http.ok(d.http.get('/v1/tasks/inbox-2'));
  });

  it('OTLP: refused with 400', async () => {
    const body = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
          scopeLogs: [{ logRecords: [{ timeUnixNano: '1', body: { stringValue: `claude_code.user_prompt ${NUL}` }, attributes: [] }] }],
        },
      ],
    };
    expectError(await d.http.post('/v1/logs', body), 400, 'validation_failed');
  });

  it('hooks: an agent\'s NULs and broken pairs are kept as U+FFFD, and the payload is applied', async () => {
    const session = 'aaaabbbb-0000-4000-8000-00000000face';
    const post = (payload: Record<string, unknown>) =>
      d.http.post<{ applied: number }>('/v1/hooks/claude-code', { session_id: session, cwd: '/work', transcript_path: '/nowhere.jsonl', ...payload });
    const started = await post({ hook_event_name: 'UserPromptSubmit', prompt: `print ${NUL} and ${LONE_HIGH}` });
    assert.equal(started.status, 202);
    assert.ok(started.body.applied > 0);
    const tasks = await pollUntil('the turn', async () => {
      const { items } = await d.http.ok(d.http.get<{ items: Task[] }>(`/v1/tasks?agentId=claude-code:${session}`));
      return items.length > 0 ? items : undefined;
    });
    assert.equal(tasks[0]?.title, 'print a\uFFFDb and a\uFFFDb');
    const tool = await post({ hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_use_id: 'toolu_1', tool_input: { command: 'cat /bin/true' }, tool_response: { stdout: `\u0000\u0000ELF${LONE_LOW}` } });
    assert.equal(tool.status, 202);
    const stop = await post({ hook_event_name: 'Stop' });
    assert.equal(stop.status, 202);
    await pollUntil('the turn ended', async () => {
      const task = await d.http.ok(d.http.get<Task>(`/v1/tasks/${tasks[0]?.id}`));
      return task.state === 'done' ? task : undefined;
    });
  });

  it('MCP: a tool call with one gets the validation error as its result', async () => {
    const client = new Client({ name: 'strings-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${d.daemon.url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${d.daemon.token}` } },
      }),
    );
    try {
      const result = (await client.callTool({ name: 'tracker_create_task', arguments: { id: 'mcp-bad', title: NUL } })) as {
        isError?: boolean;
        content: { type: string; text?: string }[];
      };
      assert.equal(result.isError, true);
      assert.match(result.content.map((c) => c.text ?? '').join(''), /validation_failed|U\+0000/);
      expectError(await d.http.get('/v1/tasks/mcp-bad'), 404, 'not_found');
    } finally {
      await client.close();
    }
  });
});
