/**
 * Approvals through the real entry points: a permission hook that waits (X-Agent-Tracker-Wait) records an approval and
 * pauses its task; `POST /v1/approvals/:id/decision` answers it (the first answer wins) and the waiting hook request
 * gets the decision in the agent's own format at once; no decision in time: the approval expires and the hook gets no
 * output. Approvals survive a restart of the daemon.
 */
import { strict as assert } from 'node:assert';
import { request } from 'node:http';
import type { Approval, Task } from '../../../daemon/src/protocol/index.js';
import { pollUntil } from '../../support/poll.js';
import { expectError } from '../support/http.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

const SESSION = 'sess-approvals';
const AGENT = `claude-code:${SESSION}`;

interface HookAnswer {
  applied: number;
  output?: Record<string, unknown>;
}

describe('approvals: the record, the decision route and the waiting hook', () => {
  let d: TestDaemon;
  beforeEach(async () => {
    d = await startTestDaemon();
  });
  afterEach(async () => {
    await d?.close();
  });

  const hook = (payload: Record<string, unknown>, wait?: number) =>
    d.http.post<HookAnswer>('/v1/hooks/claude-code', { session_id: SESSION, cwd: '/w/app', ...payload }, wait === undefined ? {} : { headers: { 'x-agent-tracker-wait': String(wait) } });

  /** A turn of the session, active, as Claude Code's prompt hook starts it. */
  async function startTurn(promptId = 'p1'): Promise<string> {
    await d.http.ok(hook({ hook_event_name: 'UserPromptSubmit', prompt_id: promptId, prompt: 'clean the build' }));
    return `${AGENT}:${promptId}`;
  }

  const permissionRequest = (command: string, wait?: number) =>
    hook({ hook_event_name: 'PermissionRequest', prompt_id: 'p1', tool_name: 'Bash', tool_input: { command, description: 'clean' } }, wait);

  const pending = () => pollUntil('a pending approval', async () => (await d.http.ok(d.http.get<{ items: Approval[] }>('/v1/approvals?state=pending'))).items[0]);
  const task = async (id: string) => d.http.ok(d.http.get<Task>(`/v1/tasks/${encodeURIComponent(id)}`));
  const decide = (id: string, body: unknown, headers: Record<string, string> = {}) =>
    d.http.post<Approval>(`/v1/approvals/${encodeURIComponent(id)}/decision`, body, { headers });

  it('records the approval, pauses the task on it, and answers the waiting hook with the decision (allow)', async () => {
    const taskId = await startTurn();
    const answer = permissionRequest('rm -rf build', 60);
    const approval = await pending();
    assert.equal(approval.kind, 'permission');
    assert.equal(approval.agentId, AGENT);
    assert.equal(approval.taskId, taskId);
    assert.equal(approval.tool, 'Bash');
    assert.equal(approval.summary, 'Bash(rm -rf build)');
    assert.deepEqual(approval.input, { command: 'rm -rf build', description: 'clean' });
    assert.equal(approval.state, 'pending');
    assert.ok(Date.parse(approval.expiresAt) - Date.parse(approval.requestedAt) === 60_000);
    const paused = await task(taskId);
    assert.equal(paused.state, 'paused');
    assert.deepEqual(paused.needsInput, { since: approval.requestedAt, kind: 'permission', message: 'Bash(rm -rf build)', approvalId: approval.id });

    const decided = await decide(approval.id, { decision: 'allow' });
    assert.equal(decided.status, 200, decided.text);
    assert.equal(decided.body.state, 'allowed');
    assert.equal(decided.body.decidedBy, 'user');
    assert.equal(decided.body.via, 'api');
    assert.ok(decided.body.decidedAt);

    const res = await answer;
    assert.equal(res.status, 202);
    assert.deepEqual(res.body.output, { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } });
    const resumed = await task(taskId);
    assert.equal(resumed.state, 'active');
    assert.equal(resumed.needsInput, null);

    // The first answer wins.
    const again = await decide(approval.id, { decision: 'deny', reason: 'changed my mind' });
    assert.equal(expectError(again, 409, 'conflict').message.includes('already allowed'), true);
    const listed = (await d.http.ok(d.http.get<{ items: Approval[] }>('/v1/approvals'))).items;
    assert.deepEqual(listed.map((a) => [a.id, a.state]), [[approval.id, 'allowed']]);
    const events = (await d.http.ok(d.http.get<{ items: { type: string }[] }>(`/v1/tasks/${encodeURIComponent(taskId)}/events`))).items.map((e) => e.type);
    assert.ok(events.includes('approval.requested') && events.includes('approval.decided'));
    const replay = await d.http.ok(d.http.get<{ consistent: boolean }>(`/v1/tasks/${encodeURIComponent(taskId)}/replay`));
    assert.equal(replay.consistent, true, 'the replay law holds with approval events in the history');
  });

  it('a denial carries its reason to the agent, and records where it came from', async () => {
    await startTurn();
    const answer = permissionRequest('rm -rf /', 60);
    const approval = await pending();
    const decided = await decide(approval.id, { decision: 'deny', reason: 'not the root, use ./build' }, { 'x-agent-tracker-via': 'cli' });
    assert.equal(decided.status, 200, decided.text);
    assert.deepEqual([decided.body.state, decided.body.via, decided.body.reason], ['denied', 'cli', 'not the root, use ./build']);
    const res = await answer;
    assert.deepEqual(res.body.output, {
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'not the root, use ./build' } },
    });
  });

  it('with no decision in time the approval expires, the hook answers nothing, and a late decision is 409', async () => {
    const taskId = await startTurn();
    const started = Date.now();
    const res = await permissionRequest('make clean', 1);
    assert.ok(Date.now() - started >= 900, 'the hook was held for its wait');
    assert.equal(res.status, 202);
    assert.equal(res.body.output, undefined);
    const [approval] = (await d.http.ok(d.http.get<{ items: Approval[] }>('/v1/approvals?state=expired'))).items;
    assert.ok(approval);
    assert.equal(approval.decidedBy, undefined);
    // The agent now asks in its own terminal: the task still waits, no longer on something the tracker can decide.
    const waiting = await task(taskId);
    assert.equal(waiting.state, 'paused');
    assert.deepEqual(waiting.needsInput, { since: approval.requestedAt, kind: 'permission', message: 'Bash(make clean)' });
    expectError(await decide(approval.id, { decision: 'allow' }), 409, 'conflict');
  });

  it('expires the approval at once when the hook request goes away', async () => {
    await startTurn();
    const body = JSON.stringify({ session_id: SESSION, hook_event_name: 'PermissionRequest', prompt_id: 'p1', tool_name: 'Bash', tool_input: { command: 'ls' } });
    const req = request({
      host: '127.0.0.1',
      port: d.daemon.port,
      method: 'POST',
      path: '/v1/hooks/claude-code',
      headers: {
        host: `127.0.0.1:${d.daemon.port}`,
        authorization: `Bearer ${d.daemon.token}`,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'x-agent-tracker-wait': '120',
      },
    });
    req.on('error', () => {});
    req.end(body);
    const approval = await pending();
    req.destroy();
    const expired = await pollUntil('the approval expired', async () => {
      const items = (await d.http.ok(d.http.get<{ items: Approval[] }>('/v1/approvals?state=expired'))).items;
      return items.find((a) => a.id === approval.id);
    });
    assert.equal(expired.state, 'expired');
  });

  it('answers a question: the approval carries the options, the decision the answers, the hook updatedInput', async () => {
    const taskId = await startTurn();
    const questions = [
      { question: 'Which database?', header: 'DB', multiSelect: false, options: [{ label: 'PostgreSQL', description: 'shared' }, { label: 'SQLite' }] },
    ];
    const answer = hook({ hook_event_name: 'PreToolUse', prompt_id: 'p1', tool_name: 'AskUserQuestion', tool_use_id: 'q1', tool_input: { questions } }, 60);
    const approval = await pending();
    assert.equal(approval.kind, 'question');
    assert.deepEqual(approval.questions, questions);
    assert.equal((await task(taskId)).needsInput?.kind, 'question');

    expectError(await decide(approval.id, { decision: 'allow' }), 400, 'validation_failed');
    expectError(await decide(approval.id, { decision: 'allow', answers: { 'Which editor?': 'vim' } }), 400, 'validation_failed');
    const decided = await decide(approval.id, { decision: 'allow', answers: { 'Which database?': 'SQLite' }, via: 'vscode' });
    assert.equal(decided.status, 200, decided.text);
    assert.deepEqual(decided.body.answers, { 'Which database?': 'SQLite' });
    const res = await answer;
    assert.deepEqual(res.body.output, {
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'allow',
        updatedInput: { questions, answers: { 'Which database?': 'SQLite' } },
      },
    });
  });

  it('refuses bad decisions with the documented errors and changes nothing', async () => {
    await startTurn();
    const answer = permissionRequest('ls', 60);
    const approval = await pending();
    const seq = d.daemon.tracker.state.seq;
    const cases: [unknown, Record<string, string>][] = [
      [{ decision: 'maybe' }, {}],
      [{}, {}],
      [{ decision: 'allow', extra: 1 }, {}],
      [{ decision: 'deny', reason: '' }, {}],
      [{ decision: 'allow', answers: { q: 'a' } }, {}],
      [{ decision: 'allow', via: 'Not A Word' }, {}],
      [{ decision: 'allow' }, { 'x-agent-tracker-via': 'x'.repeat(100) }],
      [{ decision: 'deny', reason: 'x'.repeat(70_000) }, {}],
    ];
    for (const [body, headers] of cases) expectError(await decide(approval.id, body, headers), 400, 'validation_failed');
    expectError(await decide('__proto__', { decision: 'allow' }), 404, 'not_found');
    expectError(await decide('apr_nope', { decision: 'allow' }), 404, 'not_found');
    expectError(await decide('a b', { decision: 'allow' }), 400, 'validation_failed');
    expectError(await d.http.get('/v1/approvals?state=maybe'), 400, 'validation_failed');
    expectError(await d.http.post(`/v1/approvals/${approval.id}/decision`, { decision: 'allow' }, { token: null }), 401, 'unauthorized');
    assert.equal(d.daemon.tracker.state.seq, seq, 'nothing recorded');
    assert.equal((await d.http.ok(d.http.get<{ items: Approval[] }>('/v1/approvals?state=pending'))).items.length, 1);
    await d.http.ok(decide(approval.id, { decision: 'allow' }));
    await answer;
  });

  it('other payloads of the session do not take the task off its pending approval', async () => {
    const taskId = await startTurn();
    const answer = permissionRequest('rm -rf build', 60);
    const approval = await pending();
    // The tool call's own start, delivered (and, by a slow asynchronous hook, even observed) after the permission hook.
    for (const at of [Date.parse(approval.requestedAt) - 50, Date.parse(approval.requestedAt) + 50]) {
      const preToolUse = { hook_event_name: 'PreToolUse', prompt_id: 'p1', tool_name: 'Bash', tool_use_id: `t${at}`, tool_input: { command: 'rm -rf build' } };
      await d.http.ok(d.http.post('/v1/hooks/claude-code', { session_id: SESSION, cwd: '/w/app', ...preToolUse }, { headers: { 'x-observed-at': new Date(at).toISOString() } }));
    }
    const still = await task(taskId);
    assert.deepEqual([still.state, still.needsInput?.approvalId], ['paused', approval.id]);
    await d.http.ok(decide(approval.id, { decision: 'allow' }));
    assert.equal((await answer).status, 202);
    assert.equal((await task(taskId)).state, 'active');
  });

  it('a hook without the wait header only observes: no approval, the task pauses as before', async () => {
    const taskId = await startTurn();
    const res = await permissionRequest('ls');
    assert.equal(res.body.output, undefined);
    assert.deepEqual((await d.http.ok(d.http.get<{ items: Approval[] }>('/v1/approvals'))).items, []);
    const paused = await task(taskId);
    assert.equal(paused.state, 'paused');
    assert.equal(paused.needsInput?.approvalId, undefined);
  });

  it('keeps approvals and their decisions across a restart', async () => {
    await startTurn();
    const answer = permissionRequest('rm -rf build', 60);
    const approval = await pending();
    await d.http.ok(decide(approval.id, { decision: 'deny', reason: 'no', via: 'web' }));
    await answer;
    const second = permissionRequest('make', 1);
    await second;
    const before = (await d.http.ok(d.http.get<{ items: Approval[] }>('/v1/approvals'))).items;
    assert.deepEqual(before.map((a) => a.state).sort(), ['denied', 'expired']);

    await d.stop();
    d = await startTestDaemon({ home: d.home });
    const after = (await d.http.ok(d.http.get<{ items: Approval[] }>('/v1/approvals'))).items;
    assert.deepEqual(after, before);
    expectError(await decide(approval.id, { decision: 'allow' }), 409, 'conflict');
  });
});
