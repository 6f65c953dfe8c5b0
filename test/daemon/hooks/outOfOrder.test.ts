/**
 * Asynchronous hooks arrive in any order: a turn's Stop (Claude Code) or Stop (Codex) delivered before the prompt that
 * starts the turn ends that turn once the prompt arrives, instead of leaving it active forever.
 */
import { strict as assert } from 'node:assert';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

describe('hooks: a turn\'s end delivered before its start', () => {
  let d: TestDaemon;
  beforeEach(async () => (d = await startTestDaemon()));
  afterEach(async () => d?.close());

  const at = (ms: number) => new Date(Date.parse('2026-12-01T10:00:00.000Z') + ms).toISOString();
  const post = (kind: string, payload: Record<string, unknown>, observed: number) =>
    d.http.post<{ applied: number }>(`/v1/hooks/${kind}`, payload, { headers: { 'x-observed-at': at(observed) } });
  const turns = async (agentId: string) => (await d.http.ok(d.http.get<{ items: Task[] }>(`/v1/tasks?agentId=${agentId}`))).items;

  it('Claude Code: Stop, then its UserPromptSubmit: the turn is done with the last message', async () => {
    const base = { session_id: 'c0ffee00-0000-4000-8000-000000000001', cwd: '/work', transcript_path: '/nowhere.jsonl', prompt_id: 'p-1' };
    assert.equal((await post('claude-code', { ...base, hook_event_name: 'Stop', last_assistant_message: 'All set.' }, 900)).status, 202);
    assert.equal((await post('claude-code', { ...base, hook_event_name: 'UserPromptSubmit', prompt: 'Fix the build' }, 0)).status, 202);
    const [turn, ...rest] = await turns(`claude-code:${base.session_id}`);
    assert.deepEqual(rest, []);
    assert.equal(turn?.title, 'Fix the build');
    assert.equal(turn?.state, 'done');
    assert.deepEqual(turn?.result, { message: 'All set.' });
    // The next prompt starts a new turn as usual and leaves the ended one alone.
    await post('claude-code', { ...base, prompt_id: 'p-2', hook_event_name: 'UserPromptSubmit', prompt: 'And the tests' }, 2000);
    const states = (await turns(`claude-code:${base.session_id}`)).map((t) => [t.title, t.state]).sort();
    assert.deepEqual(states, [['And the tests', 'active'], ['Fix the build', 'done']]);
  });

  it('Codex: Stop, then its UserPromptSubmit: the turn is done', async () => {
    const base = { session_id: 'c0dec0de-0000-4000-8000-000000000002', cwd: '/work', transcript_path: null, turn_id: 't-1', model: 'gpt-5-codex' };
    await post('codex', { ...base, hook_event_name: 'Stop', last_assistant_message: 'Done.' }, 900);
    await post('codex', { ...base, hook_event_name: 'UserPromptSubmit', prompt: 'Rename the module' }, 0);
    const [turn] = await turns(`codex:${base.session_id}`);
    assert.equal(turn?.state, 'done');
  });
});
