/**
 * `agent-tracker approvals`, `approve ID`, `deny ID --reason R`: against a daemon process, with a permission hook
 * waiting on it as an agent's forwarder would; the hook gets the decision the CLI took, and the TrackerClient lists
 * and decides the same way.
 */
import assert from 'node:assert/strict';
import type { Approval } from '../../../daemon/src/protocol/index.js';
import { pollUntil } from '../../support/poll.js';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';
import { HttpClient } from '../support/http.js';
import { runCli } from '../support/runCli.js';

describe('cli: approvals, approve, deny', function () {
  this.timeout(60_000);
  const daemon = useDaemonProcess();
  const cli = (...args: string[]) => runCli([...args, '--home', daemon.home]);

  /** A Claude Code permission hook that waits up to 60 s, as the forwarder with --approval-wait sends it. */
  function waitingHook(session: string, payload: Record<string, unknown>) {
    const http = new HttpClient(daemon.url, daemon.token);
    return http.post<{ applied: number; output?: Record<string, unknown> }>(
      '/v1/hooks/claude-code',
      { session_id: session, cwd: '/w/app', hook_event_name: 'PermissionRequest', tool_name: 'Bash', ...payload },
      { headers: { 'x-agent-tracker-wait': '60' } },
    );
  }

  const pendingFor = (session: string) =>
    pollUntil('the pending approval', async () => (await daemon.client.listApprovals('pending')).items.find((a) => a.agentId === `claude-code:${session}`));

  it('lists what waits in plain words, and says so when nothing does', async () => {
    const none = await cli('approvals');
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /nothing waits for your decision/);

    const hook = waitingHook('s-list', { tool_input: { command: 'rm -rf build' } });
    const approval = await pendingFor('s-list');
    const human = await cli('approvals');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`^${approval.id}\\s+expires in \\d+s\\s+claude-code:s-list\\s+\\d+s ago\\s+wants to run Bash\\(rm -rf build\\)$`, 'm'));
    const json = JSON.parse((await cli('approvals', '--json')).stdout) as { items: Approval[] };
    assert.deepEqual(json.items.map((a) => a.id), [approval.id]);

    const approved = await cli('approve', approval.id);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /^allowed: claude-code:s-list wants to run Bash\(rm -rf build\)$/m);
    assert.deepEqual((await hook).body.output, { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } });
    const all = JSON.parse((await cli('approvals', '--all', '--json')).stdout) as { items: Approval[] };
    assert.deepEqual(all.items.map((a) => [a.state, a.decidedBy, a.via]), [['allowed', 'user', 'cli']]);
  });

  it('deny --reason: the hook carries the reason to the agent; a second decision is refused with exit 1', async () => {
    const hook = waitingHook('s-deny', { tool_input: { command: 'git push --force' } });
    const approval = await pendingFor('s-deny');
    const denied = await cli('deny', approval.id, '--reason', 'never force-push main', '--json');
    assert.equal(denied.code, 0, denied.stderr);
    const body = JSON.parse(denied.stdout) as Approval;
    assert.deepEqual([body.state, body.reason, body.via], ['denied', 'never force-push main', 'cli']);
    assert.deepEqual((await hook).body.output, {
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'never force-push main' } },
    });
    const again = await cli('approve', approval.id);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /conflict: approval \S+ is already denied by user via cli/);
    const missing = await cli('deny', 'apr_missing');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not_found/);
    assert.equal((await cli('approve')).code, 2, 'the id is required');
  });

  it('approve --answer answers a question in the order it was asked', async () => {
    const http = new HttpClient(daemon.url, daemon.token);
    const questions = [{ question: 'Which database?', options: [{ label: 'PostgreSQL' }, { label: 'SQLite' }] }];
    const hook = http.post<{ output?: Record<string, unknown> }>(
      '/v1/hooks/claude-code',
      { session_id: 's-ask', cwd: '/w/app', hook_event_name: 'PreToolUse', tool_name: 'AskUserQuestion', tool_input: { questions } },
      { headers: { 'x-agent-tracker-wait': '60' } },
    );
    const approval = await pendingFor('s-ask');
    const listed = await cli('approvals');
    assert.match(listed.stdout, /asks: Which database\? \(PostgreSQL \/ SQLite\)/);
    assert.equal((await cli('approve', approval.id, '--answer', 'a', '--answer', 'b')).code, 2, 'one answer per question');
    const answered = await cli('approve', approval.id, '--answer', 'PostgreSQL');
    assert.equal(answered.code, 0, answered.stderr);
    const output = (await hook).body.output as { hookSpecificOutput: { updatedInput: { answers: Record<string, string> } } };
    assert.deepEqual(output.hookSpecificOutput.updatedInput.answers, { 'Which database?': 'PostgreSQL' });
  });
});
