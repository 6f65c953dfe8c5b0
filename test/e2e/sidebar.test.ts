// The packaged extension in a real VS Code, against a real daemon: the sidebar shows the true state, a stuck task
// can be reset from the command palette, and a task's events can be replayed.
import assert from 'node:assert/strict';
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
    await session.ui.answerPrompts({
      choices: [titled(tasks.finished.title), titled(tasks.failed.title)],
      text: tasks.finished.id,
      confirm: /ok|yes/i,
    });
    const page = session.ui.page;
    await page.locator('.editor-group-container .tab', { hasText: /replay/i }).first().waitFor({ timeout: 20_000 });
    // The panel is a webview: its content lives in a nested frame, found by the events it lists.
    await pollUntil('the replay panel to list the task events', async () => {
      for (const frame of page.frames()) {
        const text = await frame.locator('body').innerText({ timeout: 1000 }).catch(() => '');
        if (text.includes('task.created')) return true;
      }
      return undefined;
    }, 20_000, UI_INTERVAL_MS);
    await session.ui.screenshot('replay');
  });
});
