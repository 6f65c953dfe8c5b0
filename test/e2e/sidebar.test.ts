// The packaged extension in a real VS Code, against a real daemon: the sidebar shows the true state, a stuck task
// can be reset from the command palette, and a task's events can be replayed.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gitRepoWithChanges } from '../support/gitRepo.js';
import { pollUntil } from '../support/poll.js';
import { agents, seedScenario, tasks } from './scenario.js';
import { startTrackerWorkbench, type TrackerWorkbench } from './trackerWorkbench.js';
import { UI_INTERVAL_MS, UI_TIMEOUT_MS } from './uiWait.js';
import { rootOf, type TreeRow } from './workbenchUi.js';

const has = (rows: TreeRow[], text: string): boolean => rows.some((r) => r.label.includes(text));
const titled = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

describe('Agent Tracker sidebar in VS Code', function () {
  // Unset when `before` failed; the hooks allow for that.
  let session: TrackerWorkbench;

  before(async function () {
    session = await startTrackerWorkbench((daemon) => seedScenario(daemon.api));
    await session.ui.openContainer('Agent Tracker');
  });

  afterEach(async function () {
    // What the screen showed when a test failed: the first thing to look at.
    const test = this.currentTest;
    if (test?.state !== 'failed' || (session as TrackerWorkbench | undefined) === undefined) return;
    const name = `failed-${test.title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
    const file = await session.ui.screenshot(name).catch(() => undefined);
    if (file !== undefined) console.log(`      screenshot: ${file}`);
  });

  after(async function () {
    await session?.close();
  });

  it('shows the agents in the Agents view', async function () {
    await session.ui.waitForRows('Agents', 'both agents', (rows) =>
      Object.values(agents).every((a) => has(rows, a.name) || has(rows, a.id)),
    );
  });

  it('shows active, stuck and blocked tasks in the Tasks view', async function () {
    const rows = await session.ui.waitForRows('Tasks', 'the open tasks', (r) =>
      [tasks.active, tasks.stuck, tasks.blocker, tasks.blocked].every((t) => has(r, t.title)),
    );
    assert.match(rootOf(rows, titled(tasks.stuck.title)) ?? '', /^Stuck/, 'the stuck task sits in the Stuck group');
    assert.doesNotMatch(rootOf(rows, titled(tasks.active.title)) ?? '', /^Stuck/);
    const blocked = rows.find((r) => r.label.includes(tasks.blocked.title));
    assert.match(blocked?.label ?? '', /blocked/i, 'the blocked task says it is blocked');
  });

  it('shows finished and failed tasks in the History view', async function () {
    await session.ui.waitForRows('History', 'the finished and the failed task', (rows) =>
      has(rows, tasks.finished.title) && has(rows, tasks.failed.title),
    );
    await session.ui.screenshot('workbench');
    await session.ui.widenSidebar(560);
    await session.ui.screenshotSidebar('sidebar');
  });

  it('shows a badge on the container while a task is stuck', async function () {
    const badge = await pollUntil('the container badge', async () => {
      const text = await session.ui.containerBadge('Agent Tracker');
      return text ? text : undefined;
    }, UI_TIMEOUT_MS, UI_INTERVAL_MS);
    assert.equal(badge, '1');
  });

  it('names the blocker of a blocked task by its title', async function () {
    const rows = await session.ui.waitForRows('Tasks', 'the blocked task', (r) => has(r, tasks.blocked.title));
    const blocked = rows.find((r) => r.label.includes(tasks.blocked.title));
    assert.match(blocked?.label ?? '', titled(`blocked by "${tasks.blocker.title}"`));
    assert.doesNotMatch(blocked?.label ?? '', titled(tasks.blocker.id), 'no raw id');
  });

  it('"Reset Stuck Task" in the palette asks which task; "Reset All Stuck Tasks" is its own entry, as the contract names it', async function () {
    // Both titles contain the words typed; the palette lists them by name, so the exact one is chosen from the list.
    await session.ui.runCommand('Agent Tracker: Reset Stuck Task');
    const placeholder = await session.ui.quickInputPlaceholder();
    assert.equal(placeholder, 'Select the stuck task to reset');
    await session.ui.page.keyboard.press('Escape');
    await session.ui.runCommand('Agent Tracker: Reset All Stuck Tasks');
    assert.equal(await session.ui.quickInputPlaceholder(), 'Reset to which state?');
    await session.ui.page.keyboard.press('Escape');
  });

  it('shows an agent busy within seconds of starting work, and no longer once it ends', async function () {
    const api = session.daemon.api;
    // An agent of its own: the seeded ones hold work already.
    const name = 'Docs Agent';
    await api.request('POST', '/v1/agents/e2e-docs/heartbeat', { name });
    const row = (rows: TreeRow[]): TreeRow | undefined => rows.find((r) => r.label.startsWith(name));
    await session.ui.waitForRows('Agents', `${name} idle`, (rows) => /\bidle\b/.test(row(rows)?.label ?? ''));
    await api.request('POST', '/v1/tasks', { id: 'e2e-live', title: 'Review the pull request', state: 'active', agentId: 'e2e-docs' });
    const started = Date.now();
    await session.ui.waitForRows('Agents', `${name} busy`, (rows) => /\bbusy\b/.test(row(rows)?.label ?? ''), 10_000);
    assert.ok(Date.now() - started < 10_000);
    await api.request('POST', '/v1/tasks/e2e-live/transition', { to: 'done' });
    await session.ui.waitForRows('Agents', `${name} no longer busy`, (rows) => !/\bbusy\b/.test(row(rows)?.label ?? 'busy'), 10_000);
  });

  it('shows a session paused on a permission prompt in Needs you', async function () {
    const api = session.daemon.api;
    await api.request('POST', '/v1/tasks', { id: 'e2e-asks', title: 'Clean the build folder', state: 'active', agentId: agents.builder.id });
    await api.request('POST', '/v1/tasks/e2e-asks/transition', { to: 'paused', needsInput: { kind: 'permission', message: 'Bash(rm -rf build)' } });
    const rows = await session.ui.waitForRows('Tasks', 'the waiting task in Needs you', (r) =>
      /^Needs you/.test(rootOf(r, /Clean the build folder/) ?? ''),
    );
    assert.equal(rows[0]?.label.startsWith('Needs you'), true, 'Needs you comes first');
    assert.match(rows.find((r) => r.label.includes('Clean the build folder'))?.label ?? '', /waiting for permission: Bash\(rm -rf build\)/);
    // Needs-you and stuck both count.
    await pollUntil('the badge to count both', async () => ((await session.ui.containerBadge('Agent Tracker')) === '2' ? true : undefined), UI_TIMEOUT_MS, UI_INTERVAL_MS);
  });

  it('Enter on a task opens an editor tab titled with the task\'s title', async function () {
    const focused = await session.ui.focusFirstTaskOf('Tasks', 'Active');
    assert.ok(focused.startsWith(tasks.active.title), `focused: ${focused}`);
    await session.ui.page.keyboard.press('Enter');
    const tab = session.ui.page.locator('.editor-group-container .tab', { hasText: tasks.active.title }).first();
    await tab.waitFor({ timeout: 20_000 });
    await pollUntil('the task page to show the task', async () => session.ui.webviewContaining(tasks.active.title, 'Times'), 20_000, UI_INTERVAL_MS);
    await session.ui.screenshot('task-page');
  });

  it('a click on another task shows it in the same preview tab; a double-click keeps its page', async function () {
    const page = session.ui.page;
    const tabs = page.locator('.editor-group-container .tab');
    const row = (title: string) => session.ui.view('Tasks').locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: title }) }).first();
    await session.ui.rows('Tasks');
    await row(tasks.blocker.title).click();
    // The page of the task it blocks beside; the preview says so and offers to keep it.
    await pollUntil('the blocker in the preview', async () => session.ui.webviewContaining(tasks.blocker.title, 'Blocks', tasks.blocked.title, 'waiting for this', 'Keep Open'), 20_000, UI_INTERVAL_MS);
    await tabs.filter({ hasText: tasks.blocker.title }).first().waitFor({ timeout: 20_000 });
    assert.equal(await tabs.filter({ hasText: tasks.active.title }).count(), 0, 'the first page turned to the clicked task: no tab per click');
    for (const frame of page.frames()) assert.equal(await frame.locator('button.primary', { hasText: 'Cancel' }).count(), 0, 'Cancel is never the primary button');

    await row(tasks.blocked.title).dblclick();
    await pollUntil('the blocked task in the page', async () => session.ui.webviewContaining(tasks.blocked.title, 'Depends on', tasks.blocker.title), 20_000, UI_INTERVAL_MS);
    await row(tasks.active.title).click();
    await tabs.filter({ hasText: tasks.active.title }).first().waitFor({ timeout: 20_000 });
    assert.equal(await tabs.filter({ hasText: tasks.blocked.title }).count(), 1, 'the double-clicked page is kept beside the new preview');
    await pollUntil('the new preview drawn', async () => session.ui.webviewContaining(tasks.active.title, 'Keep Open'), 20_000, UI_INTERVAL_MS);
    await session.ui.screenshot('task-page-preview');
  });

  it('opens the Timeline and the Dashboard from the palette, showing the agents', async function () {
    await session.ui.runCommand('Agent Tracker: Show Timeline');
    await session.ui.page.locator('.editor-group-container .tab', { hasText: 'Agent Timeline' }).first().waitFor({ timeout: 20_000 });
    await pollUntil('the timeline lanes', async () => session.ui.webviewContaining(agents.builder.name, 'Agent Timeline'), 20_000, UI_INTERVAL_MS);
    await session.ui.page.locator('iframe.webview.ready').last().waitFor({ state: 'visible', timeout: 20_000 }).catch(() => undefined);
    // Fitted to the work by default; a zoom button asks the extension for another window, and the page shows it.
    const timeline = await session.ui.webviewFrame('[data-zoom="fit"][aria-pressed="true"]');
    await timeline.locator('[data-zoom="1h"]').click();
    await timeline.locator('[data-zoom="1h"][aria-pressed="true"]').waitFor({ timeout: 20_000 });
    await timeline.locator('[data-zoom="fit"]').click();
    await timeline.locator('[data-zoom="fit"][aria-pressed="true"]').waitFor({ timeout: 20_000 });
    assert.ok((await timeline.locator('.track .now').count()) >= 2, 'a now line in every lane');
    await session.ui.screenshot('timeline');
    // The same page in a dark theme: the theme's own chart colours, the same patterns.
    await session.ui.runCommand('Preferences: Toggle between Light/Dark Themes');
    await pollUntil('the dark theme', async () => ((await session.ui.page.locator('.monaco-workbench.vs-dark').count()) > 0 ? true : undefined), 20_000, UI_INTERVAL_MS);
    await session.ui.screenshot('timeline-dark');
    await session.ui.runCommand('Preferences: Toggle between Light/Dark Themes');
    await session.ui.runCommand('Agent Tracker: Show Dashboard');
    await session.ui.page.locator('.editor-group-container .tab', { hasText: 'Agent Dashboard' }).first().waitFor({ timeout: 20_000 });
    await pollUntil('the dashboard charts', async () => session.ui.webviewContaining('Tasks by state', 'Agent Dashboard'), 20_000, UI_INTERVAL_MS);
    await session.ui.screenshot('dashboard');
    assert.ok(await session.ui.webviewContaining('Needs you', 'Stuck', 'Spend against budget'), 'what needs you and the budgets are on it');
  });

  it('resets the stuck task from the command palette', async function () {
    await session.ui.runCommand('Agent Tracker: Reset Stuck Task');
    const answered = await session.ui.answerPrompts({
      choices: [titled(tasks.stuck.title), /\bpending\b/i],
      text: 'reset by the end-to-end test',
      confirm: /reset|yes|ok|continue/i,
    });
    assert.ok(answered.length > 0, `the command asked nothing; notifications: ${JSON.stringify(await session.ui.notifications())}`);
    await session.ui.waitForRows('Tasks', 'the reset task outside the Stuck group', (rows) =>
      has(rows, tasks.stuck.title) && !/^Stuck/.test(rootOf(rows, titled(tasks.stuck.title)) ?? 'Stuck'),
    );
    const task = await pollUntil('the daemon to record the reset', async () => {
      const t = await session.daemon.api.task(tasks.stuck.id);
      return t.stuck === null ? t : undefined;
    }, UI_TIMEOUT_MS, UI_INTERVAL_MS);
    assert.equal(task.state, 'pending');
    await session.ui.screenshot('after-reset');
  });

  it('opens the replay panel for a task', async function () {
    await session.ui.runCommand('Agent Tracker: Replay Task Events');
    const answered = await session.ui.answerPrompts({
      choices: [titled(tasks.finished.title), titled(tasks.failed.title)],
      text: tasks.finished.id,
      confirm: /ok|yes/i,
    });
    assert.ok(answered.length > 0, `the command asked nothing; notifications: ${JSON.stringify(await session.ui.notifications())}`);
    const page = session.ui.page;
    await page.locator('.editor-group-container .tab', { hasText: /replay/i }).first().waitFor({ timeout: 20_000 }).catch(async (error: Error) => {
      throw new Error(`${error.message}; answered ${JSON.stringify(answered)}; notifications: ${JSON.stringify(await session.ui.notifications())}`);
    });
    // The panel is a webview: its content lives in a nested frame, found by the events it lists. The selected event is
    // said in plain words; its JSON and the whole task stay folded until asked for.
    const text = await pollUntil('the replay panel to list the task events', async () => {
      for (const frame of page.frames()) {
        const body = await frame.locator('body').innerText({ timeout: 1000 }).catch(() => '');
        if (body.includes('task.created') && body.includes('What changed') && body.includes('status active → done')) return body;
      }
      return undefined;
    }, 20_000, UI_INTERVAL_MS);
    assert.match(text, /The event as recorded \(JSON\)/);
    assert.doesNotMatch(text, /schemaVersion/, 'no field dump until asked for');
    await session.ui.screenshot('replay');
  });

  it('an agent turn’s page lists the files it changed with Open Changes, its transcript and what it blocks, in light and dark', async function () {
    const repo = gitRepoWithChanges('e2e-pager-', { 'pager.ts': 'export const last = (n: number) => n;\n' }, {
      'pager.ts': 'export const last = (n: number) => n - 1;\n',
      'pager.test.ts': 'test("last page", () => {});\n',
    });
    try {
      const transcript = path.join(repo, '.transcript.jsonl');
      writeFileSync(transcript, '');
      const api = session.daemon.api;
      const hook = (payload: Record<string, unknown>): Promise<unknown> =>
        api.request('POST', '/v1/hooks/claude-code', { session_id: 'e2e-session', cwd: repo, transcript_path: transcript, prompt_id: 'p1', ...payload });
      const title = 'Fix the off-by-one in the pager';
      await hook({ hook_event_name: 'UserPromptSubmit', prompt: `${title}\nand add a test` });
      await hook({ hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_use_id: 'u1', tool_input: { file_path: path.join(repo, 'pager.ts'), old_string: 'n;', new_string: 'n - 1;' } });
      await hook({ hook_event_name: 'PostToolUse', tool_name: 'Write', tool_use_id: 'u2', tool_input: { file_path: path.join(repo, 'pager.test.ts'), content: '' } });
      await hook({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_use_id: 'u3', tool_input: { command: 'npm test -- pager' } });
      await api.request('POST', '/v1/tasks', { id: 'e2e-release', title: 'Release 2.1', dependsOn: [{ taskId: 'claude-code:e2e-session:p1', state: 'done' }] });

      const page = session.ui.page;
      await session.ui.waitForRows('Tasks', 'the turn', (rows) => has(rows, title));
      await session.ui.view('Tasks').locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: title }) }).first().click();
      await pollUntil('the turn’s page', async () => session.ui.webviewContaining(title, 'Files changed', 'pager.ts', 'pager.test.ts', 'Open Changes', 'Transcript', 'Blocks', 'Release 2.1'), 20_000, UI_INTERVAL_MS);
      // The pointer rests on the page, over no button.
      await page.mouse.move(1000, 700);
      await session.ui.screenshot('task-page-turn-light');
      await session.ui.runCommand('Preferences: Color Theme');
      await session.ui.pick(/Dark Modern/);
      await page.mouse.move(1000, 700);
      await page.waitForTimeout(1000);
      await session.ui.screenshot('task-page-turn-dark');
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
