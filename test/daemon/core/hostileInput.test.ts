/**
 * Hostile input at the HTTP boundary: ids that name Object.prototype's own keys, bodies nested thousands of levels
 * deep, malformed percent-escapes, slow clients. Each is refused with the documented answer and changes nothing.
 */
import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { MAX_JSON_DEPTH, type Task } from '../../../daemon/src/protocol/index.js';
import { pollUntil } from '../../support/poll.js';
import { expectError } from '../support/http.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

/** Ids a plain object would resolve to Object.prototype or its methods. */
const PROTOTYPE_IDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

/** `{ "a": { "a": ... 1 } }`, `depth` objects deep, as JSON text (JSON.stringify itself overflows on thousands). */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function nested(depth: number): unknown {
  return JSON.parse(nestedJson(depth));
}

interface Stats {
  seq: number;
  tasks: { total: number; byState: Record<string, number> };
  agents: { tasksByAgent: Record<string, Record<string, number>> };
}

describe('core: hostile input', function () {
  let d: TestDaemon;
  const prototypeKeys = new Set(Object.getOwnPropertyNames(Object.prototype));

  before(async () => {
    d = await startTestDaemon({ tuning: { http: { headersTimeoutMs: 500, requestTimeoutMs: 1000, checkIntervalMs: 100 } } });
  });
  after(async () => {
    await d?.close();
    // Whatever a failing run put on Object.prototype must not break the suites after this one.
    for (const key of Object.getOwnPropertyNames(Object.prototype)) {
      if (!prototypeKeys.has(key)) delete (Object.prototype as Record<string, unknown>)[key];
    }
  });

  it('ids named like Object.prototype keys stay data: stats count them and nothing leaks into other objects', async () => {
    for (const id of PROTOTYPE_IDS) {
      await d.http.ok(d.http.post('/v1/tasks', { id, title: `Task ${id}`, state: 'active', agentId: id }));
    }
    for (let round = 0; round < 2; round++) {
      const stats = await d.http.ok(d.http.get<Stats>('/v1/stats'));
      for (const id of PROTOTYPE_IDS) {
        assert.ok(Object.hasOwn(stats.agents.tasksByAgent, id), `tasksByAgent has its own ${id}`);
        assert.deepEqual({ ...stats.agents.tasksByAgent[id] }, { active: 1 }, id);
      }
      assert.equal(stats.tasks.byState.active, PROTOTYPE_IDS.length);
    }
    assert.equal(({} as Record<string, unknown>).active, undefined, 'Object.prototype gained no key');
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).filter((k) => !prototypeKeys.has(k)), []);
    // A validated body is still accepted (a polluted prototype made zod refuse every one as having an unknown key).
    await d.http.ok(d.http.post('/v1/tasks', { id: 'after-stats', title: 'After stats' }));
    for (const id of PROTOTYPE_IDS) {
      const task = await d.http.ok(d.http.get<Task>(`/v1/tasks/${id}`));
      assert.deepEqual([task.id, task.agentId, task.state], [id, id, 'active']);
    }
    const agents = await d.http.ok(d.http.get<{ items: { id: string }[] }>('/v1/agents'));
    for (const id of PROTOTYPE_IDS) assert.ok(agents.items.some((a) => a.id === id), `agent ${id}`);
  });

  it('refuses a body nested deeper than the bound with 400, before anything changes', async () => {
    const before = await d.http.ok(d.http.get<{ seq: number }>('/healthz'));
    const deep = `{"id":"deep","title":"Deep","input":${nestedJson(4500)}}`;
    const error = expectError(await d.http.post('/v1/tasks', undefined, { rawBody: deep }), 400, 'validation_failed');
    assert.match(error.message, new RegExp(`deeper than ${MAX_JSON_DEPTH}`));
    assert.match((error.details as { path: string }[])[0]?.path ?? '', /^input\.a\.a/);
    // The same through the batch route and a PATCH.
    const batch = `[{"op":"create","taskId":"deep-2","title":"D","input":${nestedJson(5000)}}]`;
    expectError(await d.http.post('/v1/events', undefined, { rawBody: batch }), 400, 'validation_failed');
    expectError(await d.http.patch('/v1/tasks/after-stats', { input: nested(200) }), 400, 'validation_failed');
    const afterwards = await d.http.ok(d.http.get<{ seq: number }>('/healthz'));
    assert.equal(afterwards.seq, before.seq, 'no event was written');
    expectError(await d.http.get('/v1/tasks/deep'), 404, 'not_found');
    // Listing, the feed and the stream's source still work.
    const list = await d.http.ok(d.http.get<{ items: Task[] }>('/v1/tasks?limit=1000'));
    assert.ok(!list.items.some((t) => t.id === 'deep' || t.id === 'deep-2'));
    const feed = await d.http.ok(d.http.get<{ items: { seq: number }[] }>('/v1/events?limit=1000'));
    assert.equal(feed.items.at(-1)?.seq, before.seq);
  });

  it('refuses a hook payload nested past the bound like any payload it cannot use (202, counted, nothing recorded)', async () => {
    const before = d.daemon.tracker.state.seq;
    const body = `{"session_id":"s-1","hook_event_name":"UserPromptSubmit","prompt":"hi","cwd":"/tmp","extra":${nestedJson(5000)}}`;
    const res = await d.http.post('/v1/hooks/claude-code', undefined, { rawBody: body });
    assert.deepEqual([res.status, res.body], [202, { applied: 0 }]);
    assert.equal(d.daemon.tracker.state.seq, before, 'nothing recorded');
    assert.ok(d.logLines.some((line) => /hook body nested deeper than 64 levels/.test(line)), d.logLines.join('\n'));
  });

  it('accepts a body nested exactly to the bound', async () => {
    // The body itself is one level: its input may nest MAX_JSON_DEPTH - 1 objects.
    const task = await d.http.ok(d.http.post<Task>('/v1/tasks', { id: 'at-bound', title: 'At the bound', input: { a: nested(MAX_JSON_DEPTH - 2) } }));
    assert.equal(task.id, 'at-bound');
    expectError(await d.http.post('/v1/tasks', { id: 'past-bound', title: 'Past', input: { a: nested(MAX_JSON_DEPTH - 1) } }), 400, 'validation_failed');
  });

  it('answers 400 to a malformed percent-escape in the path', async () => {
    const error = expectError(await d.http.get('/v1/tasks/%E0%A4%A'), 400, 'validation_failed');
    assert.match(error.message, /percent-escape/);
    expectError(await d.http.post('/v1/tasks/%ZZ/transition', { to: 'done' }), 400, 'validation_failed');
    // The daemon is unharmed.
    await d.http.ok(d.http.get('/v1/tasks/after-stats'));
  });

  it('answers HEAD /healthz without a token, like GET', async () => {
    const head = await d.http.request('HEAD', '/healthz', { token: null });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    // Every other route still wants the token, whatever the method.
    assert.equal((await d.http.request('HEAD', '/v1/tasks', { token: null })).status, 401);
  });

  it('closes a client that dribbles its headers or its body (slowloris), and one that says nothing', async function () {
    this.timeout(30_000);
    const port = d.http.port;
    const sockets: Socket[] = [];
    let closedByDaemon = 0;
    const open = (head: string | undefined, byte: string | undefined) => {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      socket.on('error', () => {});
      // Reads whatever the daemon answers (its 408), so that its close is seen.
      socket.resume();
      if (head !== undefined) socket.on('connect', () => socket.write(head));
      const timer = byte === undefined ? undefined : setInterval(() => socket.writable && socket.write(byte), 100);
      socket.once('close', () => {
        clearInterval(timer);
        closedByDaemon++;
      });
    };
    open(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`, 'X');
    open(
      `POST /v1/tasks HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${d.http.token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
      ' ',
    );
    open(undefined, undefined);
    try {
      await pollUntil('every slow socket closed by the daemon', () => (closedByDaemon === 3 ? true : undefined), 20_000);
      // The daemon still serves everyone else.
      await d.http.ok(d.http.get('/healthz'));
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });
});

describe('core: the home folder', function () {
  let parent: string;
  let d: TestDaemon | undefined;

  beforeEach(() => {
    parent = makeTempHome('home-mode');
  });
  afterEach(async () => {
    await d?.stop();
    d = undefined;
    removeTempHome(parent);
  });

  it('tightens an existing home and inbox readable by others to 0700', async () => {
    const home = join(parent, 'home');
    for (const folder of ['inbox', 'events']) mkdirSync(join(home, folder), { recursive: true });
    chmodSync(home, 0o755);
    chmodSync(join(home, 'inbox'), 0o777);
    chmodSync(join(home, 'events'), 0o755);
    d = await startTestDaemon({ home });
    for (const path of [home, join(home, 'inbox'), join(home, 'events')]) assert.equal(statSync(path).mode & 0o777, 0o700, path);
  });
});
