/**
 * Deciding an agent's approval from VS Code: the needs-you notification of a waiting permission hook offers Allow and
 * Deny…; Allow decides the pending approval (recorded as decided via vscode) and the waiting hook gets the answer in
 * Claude Code's format; the notification is withdrawn at once; a second answer changes nothing.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ShownNotification } from '../../../extension/src/views/notifier.js';
import { useDaemonUnderTest } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';
import { readTree, type Row } from './support/treeSnapshot.js';
import type { Response, TestDaemon } from './support/testDaemon.js';

const SESSION = 'vscode-approvals';
const AGENT = `claude-code:${SESSION}`;

function hook(daemon: TestDaemon, payload: Record<string, unknown>, wait?: number): Promise<Response> {
  const headers: Record<string, string> = wait === undefined ? {} : { 'x-agent-tracker-wait': String(wait) };
  return daemon.post('/v1/hooks/claude-code', { session_id: SESSION, cwd: '/w/app', ...payload }, headers);
}

suite('Approvals in VS Code', function () {
  this.timeout(90_000);
  const shown: ShownNotification[] = [];
  let subscription: vscode.Disposable | undefined;

  suiteTeardown(async () => {
    subscription?.dispose();
    await vscode.workspace.getConfiguration('agentTracker').update('notifications', 'none', vscode.ConfigurationTarget.Global);
  });

  const ctx = useDaemonUnderTest();

  suiteSetup(async () => {
    await vscode.workspace.getConfiguration('agentTracker').update('notifications', 'needsYou', vscode.ConfigurationTarget.Global);
    subscription = ctx.api.onDidShowNotification((n) => shown.push(n));
  });

  const request = async (promptId: string, command: string): Promise<{ taskId: string; answer: Promise<Response>; approvalId: string }> => {
    ctx.daemon.ok(await hook(ctx.daemon, { hook_event_name: 'UserPromptSubmit', prompt_id: promptId, prompt: 'clean the build' }), 'prompt');
    const taskId = `${AGENT}:${promptId}`;
    const answer = hook(ctx.daemon, { hook_event_name: 'PermissionRequest', prompt_id: promptId, tool_name: 'Bash', tool_input: { command } }, 60);
    const task = await pollUntil('the task waiting on its approval', () => {
      const t = ctx.api.model.getTask(taskId);
      return t?.needsInput?.approvalId ? t : undefined;
    }, 20_000);
    return { taskId, answer, approvalId: task.needsInput?.approvalId as string };
  };

  test('the notification offers Allow and Deny…; Allow decides the approval via vscode and the hook answers allow', async () => {
    const { taskId, answer, approvalId } = await request('p1', 'rm -rf build');
    const note = await pollUntil('the needs-you notification', () => shown.find((n) => n.taskIds.includes(taskId)));
    assert.match(note.message, /waiting for permission: Bash\(rm -rf build\)/);
    assert.deepEqual(note.actions.slice(0, 2), ['Allow', 'Deny…']);
    const rows = await readTree(ctx.api.providers.tasks);
    const row = (rows.find((r) => r.label === 'Needs you') as Row).children[0] as Row;
    assert.match(row.contextValue, /\.needs\.approval$/, 'the row offers Allow / Deny inline');

    const decided = (await ctx.api.notifier.act(taskId, 'needsInput', 'Allow')) as { state: string; via: string; id: string };
    assert.equal(decided.id, approvalId);
    assert.equal(decided.state, 'allowed');
    assert.equal(decided.via, 'vscode');
    const hookAnswer = await answer;
    assert.equal(hookAnswer.status, 202);
    assert.deepEqual(hookAnswer.body.output, { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } });
    assert.ok(!ctx.api.notifier.openTaskIds.includes(taskId), 'answered: the notification is closed');
    const record = ctx.daemon.ok<{ items: { id: string; state: string; via: string }[] }>(await ctx.daemon.get('/v1/approvals'), 'approvals');
    assert.equal(record.items.find((a) => a.id === approvalId)?.via, 'vscode');
    // Pressed again (the toast still on screen): the first answer stands, nothing changes.
    assert.equal(await ctx.api.notifier.act(taskId, 'needsInput', 'Deny…'), undefined);
  });

  test('Deny with a reason from the row’s command: the hook answers deny with the reason; the open notification is withdrawn at once', async () => {
    const { taskId, answer } = await request('p2', 'git push --force');
    await pollUntil('its notification', () => shown.find((n) => n.taskIds.includes(taskId)));
    const withdrawn = new Promise<string>((resolve) => ctx.api.notifier.onDidWithdraw((id) => id === taskId && resolve(id)));
    const denied = await vscode.commands.executeCommand<{ state: string; reason: string; via: string }>('agentTracker.deny', taskId, { reason: 'not on main' });
    assert.equal(denied.state, 'denied');
    assert.equal(denied.reason, 'not on main');
    assert.equal(denied.via, 'vscode');
    const hookAnswer = await answer;
    assert.match(JSON.stringify(hookAnswer.body.output), /deny/);
    assert.match(JSON.stringify(hookAnswer.body.output), /not on main/);
    assert.equal(await withdrawn, taskId, 'answered from the row: the toast of the same request is withdrawn');
  });
});
