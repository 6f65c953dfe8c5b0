/**
 * Deciding an agent's approval from VS Code: the needs-you notification of a waiting permission hook offers Allow and
 * Deny…; Allow decides the pending approval (recorded as decided via vscode) and the waiting hook gets the answer in
 * Claude Code's format; the notification is withdrawn at once; a second answer changes nothing. A question's options
 * are offered as quick picks and the choices sent as the decision's answers.
 */
import * as assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import * as vscode from 'vscode';
import type { OptionItem } from '../../../extension/src/commands/approvals.js';
import { captureNotifications, useDaemonUnderTest } from './support/extensionUnderTest.js';
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
  const ctx = useDaemonUnderTest();

  const shown = captureNotifications(ctx, 'needsYou');

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
    assert.deepEqual((hookAnswer.body as { output: unknown }).output, { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } });
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
    const output = JSON.stringify((hookAnswer.body as { output: unknown }).output);
    assert.match(output, /deny/);
    assert.match(output, /not on main/);
    assert.equal(await withdrawn, taskId, 'answered from the row: the toast of the same request is withdrawn');
  });

  test('a question: Answer… offers each question’s options as a quick pick, and the choices go back to the agent as answers', async () => {
    ctx.daemon.ok(await hook(ctx.daemon, { hook_event_name: 'UserPromptSubmit', prompt_id: 'q1', prompt: 'set up the database' }), 'prompt');
    const taskId = `${AGENT}:q1`;
    const questions = [
      { question: 'Which database?', header: 'DB', multiSelect: false, options: [{ label: 'PostgreSQL', description: 'a server' }, { label: 'SQLite', description: 'a file' }] },
      { question: 'Which extras?', header: 'Extras', multiSelect: true, options: [{ label: 'Backups' }, { label: 'Metrics' }, { label: 'Replicas' }] },
    ];
    const answer = hook(ctx.daemon, { hook_event_name: 'PreToolUse', prompt_id: 'q1', tool_name: 'AskUserQuestion', tool_input: { questions } }, 60);
    await pollUntil('the task waiting on its question', () => (ctx.api.model.getTask(taskId)?.needsInput?.approvalId ? true : undefined), 20_000);
    const note = await pollUntil('the needs-you notification', () => shown.find((n) => n.taskIds.includes(taskId)));
    assert.deepEqual(note.actions.slice(0, 2), ['Answer…', 'Deny…']);

    const decided = ctx.api.notifier.act(taskId, 'needsInput', 'Answer…') as Promise<{ state: string; answers: Record<string, string> } | undefined>;
    const first = await openPicker('Which database?');
    assert.deepEqual(first.items.map((i) => [i.label, i.description]), [['PostgreSQL', 'a server'], ['SQLite', 'a file']]);
    assert.equal(first.canSelectMany, false);
    assert.equal(first.placeholder, 'Question 1 of 2');
    first.activeItems = [first.items[1] as OptionItem];
    await accept(first);
    const second = await openPicker('Which extras?');
    assert.equal(second.canSelectMany, true, 'a multi-select question lets several be chosen');
    second.selectedItems = [second.items[0] as OptionItem, second.items[2] as OptionItem];
    await accept(second);

    const approval = await decided;
    assert.equal(approval?.state, 'allowed');
    const answers = { 'Which database?': 'SQLite', 'Which extras?': 'Backups, Replicas' };
    assert.deepEqual(approval.answers, answers);
    const hookAnswer = await answer;
    const output = (hookAnswer.body as { output: unknown }).output as { hookSpecificOutput: { permissionDecision: string; updatedInput: { answers: unknown } } };
    assert.equal(output.hookSpecificOutput.permissionDecision, 'allow');
    assert.deepEqual(output.hookSpecificOutput.updatedInput.answers, answers, 'Claude Code reads the answers from the updated input');
  });

  /** The question's quick pick, once the workbench shows it. */
  const openPicker = async (question: string): Promise<vscode.QuickPick<OptionItem>> => {
    const picker = await pollUntil(`the quick pick of "${question}"`, () => (ctx.api.questionPicker()?.title === question ? ctx.api.questionPicker() : undefined));
    await delay(300);
    return picker;
  };
  /** Enter on the quick pick, as the user presses it (again if the workbench had not shown it yet). */
  const accept = async (picker: vscode.QuickPick<OptionItem>): Promise<void> => {
    await delay(300);
    for (let i = 0; i < 20 && ctx.api.questionPicker() === picker; i++) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await delay(250);
    }
  };
});
