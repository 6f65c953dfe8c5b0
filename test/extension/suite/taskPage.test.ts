/**
 * The task page in the real workbench: it opens as the preview (one tab that the next task replaces, kept by a double
 * open or on request), lists what the task blocks beside what it depends on, says times in local time, rolls its
 * subtasks' progress up, offers Focus Terminal whenever the agent runs in a terminal of this window, and lists the
 * files an agent's turn changed (Open, Open Changes against git HEAD) and its transcript.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { TaskPageView } from '../../../extension/src/model/taskPageView.js';
import type { TaskPagePanel } from '../../../extension/src/webviews/taskPage/taskPagePanel.js';
import { useDaemonUnderTest, waitInSync } from './support/extensionUnderTest.js';
import { makeStuck, SEED } from './support/seed.js';
import { gitRepoWithChanges } from '../../support/gitRepo.js';
import { pollUntil } from '../../support/poll.js';
import { find, readTree } from './support/treeSnapshot.js';

const ISO = /\d{4}-\d\d-\d\dT\d\d:/;
const TURN = 'claude-code:files-session:p1';

suite('Task page', function () {
  this.timeout(60_000);
  const terminals: vscode.Terminal[] = [];

  const ctx = useDaemonUnderTest(async (daemon) => {
    await daemon.heartbeat(SEED.agentBusy, 'Builder');
    await daemon.createTask({ id: 'design', title: 'Design the grammar', state: 'active', agentId: SEED.agentBusy });
    await daemon.createTask({ id: 'build', title: 'Build the parser', dependsOn: [{ taskId: 'design', state: 'done' }] });
    await daemon.createTask({ id: 'sub-a', title: 'Lexer', state: 'active', agentId: SEED.agentBusy, parentId: 'design' });
    await daemon.createTask({ id: 'sub-b', title: 'Grammar tables', state: 'active', agentId: SEED.agentBusy, parentId: 'design' });
    await daemon.transition('sub-a', 'done');
    await daemon.ok(await daemon.post('/v1/events', [{ op: 'progress', taskId: 'sub-b', progress: 50 }]), 'progress');
  });

  teardown(() => {
    for (const id of ['design', 'build', 'page-stuck', 'in-terminal', 'asks', TURN]) ctx.api.taskPage(id)?.panel.dispose();
  });
  const folders: string[] = [];
  suiteTeardown(() => {
    for (const terminal of terminals) terminal.dispose();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  const taskTabs = (): vscode.Tab[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('agentTracker.task'));
  const open = (taskId: string, options?: { pinned: boolean }): Thenable<TaskPagePanel> => vscode.commands.executeCommand<TaskPagePanel>('agentTracker.showTaskDetails', taskId, options);
  /** The first view sent to the page that satisfies `check` (the page renders once its webview's script runs). */
  const viewOf = (page: TaskPagePanel, what: string, check: (view: TaskPageView) => boolean): Promise<TaskPageView> =>
    pollUntil(what, () => (page.view && page.view.taskId === page.taskId && check(page.view) ? page.view : undefined), 20_000);

  test('a task opens in the preview, which the next task replaces; a double open keeps it', async () => {
    const first = await open('design');
    assert.ok(first.isPreview, 'a page opens as the preview');
    await viewOf(first, 'the first task drawn', (v) => v.title === 'Design the grammar');
    const second = await open('build');
    assert.equal(second, first, 'the next task shows in the same page');
    assert.equal(second.panel.title, 'Build the parser');
    assert.equal(ctx.api.taskPage('design'), undefined, 'the first task’s page is gone');
    assert.equal(ctx.api.taskPage('build'), second);
    await viewOf(second, 'the second task drawn', (v) => v.title === 'Build the parser');
    await pollUntil('one task tab', () => (taskTabs().length === 1 ? true : undefined));

    // A double-click on a row runs the command twice in quick succession: the page is kept.
    const doubled = await open('design');
    assert.equal(await open('design'), doubled);
    assert.equal(doubled.isPreview, false, 'kept');
    const third = await open('build');
    assert.notEqual(third, second, 'a kept page is not replaced');
    assert.ok(third.isPreview);
    await pollUntil('two task tabs', () => (taskTabs().length === 2 ? true : undefined));

    // Asked for a page of its own: the preview stays as it is.
    doubled.panel.dispose();
    const kept = await open('design', { pinned: true });
    assert.equal(kept.isPreview, false);
    assert.equal(third.isPreview, true);
  });

  test('says of its agent what the Agents view says: "needs you" while one of its tasks waits for the user', async () => {
    await ctx.daemon.heartbeat('asking-agent', 'Asking Agent');
    await ctx.daemon.createTask({ id: 'asks', title: 'Clean the build', state: 'active', agentId: 'asking-agent' });
    await ctx.daemon.transition('asks', 'paused', { needsInput: { kind: 'permission', message: 'Bash(rm -rf build)' } });
    const row = await pollUntil('the agent row saying needs you', async () => {
      const found = find(await readTree(ctx.api.providers.agents, undefined, 1), 'Asking Agent');
      return found?.description.startsWith('needs you') ? found : undefined;
    });
    const view = await viewOf(await open('asks'), 'the page with its agent', (v) => v.agent !== null);
    assert.equal(view.agent?.status, row.description.split(' · ')[0]);
  });

  test('with workbench.editor.enablePreview off, every page is kept', async () => {
    const editor = vscode.workspace.getConfiguration('workbench.editor');
    await editor.update('enablePreview', false, vscode.ConfigurationTarget.Global);
    try {
      const page = await open('design');
      assert.equal(page.isPreview, false);
    } finally {
      await editor.update('enablePreview', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('Blocks beside Depends on, each a task the page can open; subtasks’ progress rolled up', async () => {
    const page = await open('design');
    const view = await viewOf(page, 'blocks and the roll-up', (v) => v.blocks.length > 0 && v.rollup !== null);
    assert.deepEqual(view.blocks.map((b) => [b.id, b.title, b.waiting]), [['build', 'Build the parser', true]]);
    assert.equal(view.rollup?.text, '75% · 1 of 2 subtasks done');
    // The parent's row says the same (it reports no progress of its own); one that does keeps its own percentage.
    const row = await pollUntil('the parent row rolled up', async () => {
      const found = find(await readTree(ctx.api.providers.tasks), 'Design the grammar');
      return found?.description.startsWith('75% · 1 of 2 subtasks done') ? found : undefined;
    });
    assert.match(row.accessibilityLabel, /1 of 2 subtasks done/);
    // Screen readers hear "1 task", not "1 tasks".
    const pending = (await readTree(ctx.api.providers.tasks, undefined, 1)).find((r) => r.label === 'Pending');
    assert.equal(pending?.accessibilityLabel, 'Pending, 1 task');
    await ctx.daemon.ok(await ctx.daemon.post('/v1/events', [{ op: 'progress', taskId: 'design', progress: 10 }]), 'progress');
    await pollUntil('its own percentage', async () => (find(await readTree(ctx.api.providers.tasks), 'Design the grammar')?.description.startsWith('10% · 1 of 2 subtasks done') ? true : undefined));
    const blocked = await open('build');
    const other = await viewOf(blocked, 'its dependency', (v) => v.dependencies.length > 0);
    assert.deepEqual(other.dependencies.map((d) => [d.title, d.done]), [['Design the grammar', false]]);
    assert.deepEqual(other.blocks, []);
    // The page follows what it blocks: once design is done, build no longer waits for it.
    await ctx.daemon.transition('design', 'done');
    const done = await open('design');
    await viewOf(done, 'build no longer waiting', (v) => v.blocks.every((b) => !b.waiting));
  });

  test('times are local time, the stuck banner included', async () => {
    await makeStuck(ctx.daemon, 'page-stuck', 'Flaky integration run');
    await waitInSync(ctx.api, ctx.daemon);
    const page = await open('page-stuck');
    const view = await viewOf(page, 'the stuck banner', (v) => v.attention.some((a) => a.startsWith('Stuck since')));
    const since = (await ctx.daemon.task('page-stuck')).stuck?.since ?? '';
    assert.ok(view.attention.includes(`Stuck since ${new Date(since).toLocaleString()}: lease expired`), view.attention.join(' | '));
    for (const text of [...view.attention, ...view.facts.map(([, v]) => v), ...view.logs.map((l) => l.at)]) assert.doesNotMatch(text, ISO, text);
  });

  test('Focus Terminal is on the page while the agent runs in a terminal here, waiting or not', async () => {
    const terminal = vscode.window.createTerminal({ name: 'agent in a terminal' });
    terminals.push(terminal);
    const shellPid = await pollUntil('the shell pid', async () => await terminal.processId);
    ctx.daemon.ok(await ctx.daemon.post('/v1/agents/term-agent/heartbeat', { name: 'In a terminal', meta: { pid: shellPid } }), 'heartbeat');
    await ctx.daemon.createTask({ id: 'in-terminal', title: 'Runs in a terminal', state: 'active', agentId: 'term-agent' });
    await waitInSync(ctx.api, ctx.daemon);
    const page = await open('in-terminal');
    await viewOf(page, 'Focus Terminal offered', (v) => v.actions.includes('focusTerminal'));
    const shown = await open('build');
    const other = await viewOf(shown, 'the other task', (v) => v.taskId === 'build');
    assert.ok(!other.actions.includes('focusTerminal'), 'a task whose agent runs elsewhere has none');
    terminal.dispose();
    const back = await open('in-terminal');
    await viewOf(back, 'no Focus Terminal once the terminal is gone', (v) => !v.actions.includes('focusTerminal'));
  });

  test('an agent turn lists the files it changed, with Open and Open Changes against git HEAD, and its transcript', async () => {
    const repo = gitRepoWithChanges('at-turn-repo-', { 'app.ts': 'export const answer = 41;\n' }, { 'app.ts': 'export const answer = 42;\n', 'new.ts': 'export {};\n' });
    const outside = mkdtempSync(path.join(tmpdir(), 'at-no-git-'));
    folders.push(repo, outside);
    writeFileSync(path.join(outside, 'notes.txt'), 'notes\n');
    const transcript = path.join(outside, 'files-session.jsonl');
    writeFileSync(transcript, '');

    const hook = async (payload: Record<string, unknown>): Promise<void> => {
      const response = await ctx.daemon.post('/v1/hooks/claude-code', { session_id: 'files-session', cwd: repo, transcript_path: transcript, ...payload });
      assert.equal(response.status, 202, JSON.stringify(response.body));
    };
    await hook({ hook_event_name: 'UserPromptSubmit', prompt_id: 'p1', prompt: 'Fix the answer' });
    await hook({ hook_event_name: 'PostToolUse', prompt_id: 'p1', tool_name: 'Edit', tool_use_id: 'e1', tool_input: { file_path: path.join(repo, 'app.ts'), old_string: '41', new_string: '42' } });
    await hook({ hook_event_name: 'PostToolUse', prompt_id: 'p1', tool_name: 'Write', tool_use_id: 'e2', tool_input: { file_path: 'new.ts', content: 'export {};' } });
    await hook({ hook_event_name: 'PostToolUse', prompt_id: 'p1', tool_name: 'Edit', tool_use_id: 'e3', tool_input: { file_path: path.join(repo, 'app.ts') } });
    await hook({ hook_event_name: 'PostToolUse', prompt_id: 'p1', tool_name: 'Edit', tool_use_id: 'e4', tool_input: { file_path: path.join(outside, 'notes.txt') } });
    await hook({ hook_event_name: 'PostToolUse', prompt_id: 'p1', tool_name: 'Bash', tool_use_id: 'e5', tool_input: { command: 'touch x' } });
    // A subagent's edit is on its subtask, and the turn's all the same.
    await hook({ hook_event_name: 'PostToolUse', prompt_id: 'p1', agent_id: 'helper', agent_type: 'general-purpose', tool_name: 'Edit', tool_use_id: 'e6', tool_input: { file_path: path.join(repo, 'lib.ts') } });
    await pollUntil('the turn', () => ctx.api.model.getTask(TURN));
    await waitInSync(ctx.api, ctx.daemon);

    const page = await open(TURN);
    const view = await viewOf(page, 'the files the turn changed', (v) => v.files.length === 4);
    assert.deepEqual(view.files.map((f) => f.label), ['app.ts', 'new.ts', path.join(outside, 'notes.txt'), 'lib.ts'], 'each file once, relative to the session folder');
    assert.equal(view.transcript, transcript);

    const activeInput = (): unknown => vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.equal(await page.openListedFile(0, true), 'diff');
    const diff = await pollUntil('the diff against HEAD', () => {
      const input = activeInput();
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    });
    assert.equal(diff.original.scheme, 'git');
    assert.equal(diff.modified.fsPath, path.join(repo, 'app.ts'));
    const head = await vscode.workspace.openTextDocument(diff.original);
    assert.equal(head.getText(), 'export const answer = 41;\n', 'the left side is what HEAD holds');

    assert.equal(await page.openListedFile(0, false), 'file');
    await pollUntil('the file itself', () => {
      const input = activeInput();
      return input instanceof vscode.TabInputText && input.uri.fsPath === path.join(repo, 'app.ts') ? true : undefined;
    });
    assert.equal(await page.openListedFile(2, true), 'file', 'outside git: the file, and a word why there is no diff');
    await pollUntil('the file outside git', () => {
      const input = activeInput();
      return input instanceof vscode.TabInputText && input.uri.fsPath === path.join(outside, 'notes.txt') ? true : undefined;
    });
    assert.equal(await page.openTranscript(), 'file');
    await pollUntil('the transcript', () => {
      const input = activeInput();
      return input instanceof vscode.TabInputText && input.uri.fsPath === transcript ? true : undefined;
    });
    assert.equal(await page.openListedFile(7, true), 'none', 'only what the page lists');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
