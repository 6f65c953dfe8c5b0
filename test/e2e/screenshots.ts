// `npm run screenshots`: the pictures of the extension in the README and docs/, taken in the real workbench (the
// VS Code server of code-server with the packaged .vsix, a real daemon, Chromium) in the default light and dark
// themes, and written into media/ as screenshot-<view>-<light|dark>.png. Each view is set up once and taken in both
// themes, so the two pictures show the same moment. Not part of `npm test`: it checks nothing a test does not.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import os from 'node:os';
import path from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { repoRoot, testOutputDir } from '../host/hostPaths.js';
import { movableClock } from '../support/fakeClock.js';
import { pollUntil } from '../support/poll.js';
import { ScenarioClock, WAITING_COMMAND, seedAfternoon, type Afternoon } from './screenshotScenario.js';
import { startTrackerWorkbench, type TrackerWorkbench } from './trackerWorkbench.js';
import { UI_INTERVAL_MS } from './uiWait.js';
import { describeError } from '../../daemon/src/protocol/index.js';

const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' } as const;
type Theme = keyof typeof THEMES;
const mediaDir = path.join(repoRoot, 'media');
const WAIT_MS = 30_000;
/** The harness's window, and the tallest a page may grow it to for a picture of all of it. */
const VIEWPORT = { width: 1280, height: 800 };
const MAX_HEIGHT = 1600;
/** Wide enough for the rows' descriptions: what each agent does, what each task waits for. */
const SIDEBAR_WIDTH = 720;

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'agent-tracker-shots-'));
  const clock = new ScenarioClock(path.join(root, 'clock'));
  // The daemon starts in the early afternoon; the scenario moves its clock up to now.
  await writeFile(clock.file, '-200m\n');
  let afternoon: Afternoon | undefined;
  let session: TrackerWorkbench | undefined;
  const asking = new AbortController();
  try {
    session = await startTrackerWorkbench(
      async (daemon) => {
        afternoon = await seedAfternoon(daemon.api, clock, root);
      },
      {
        outputDir: path.join(testOutputDir, 'screenshots'),
        settings: { 'agentTracker.notifications': 'needsYou', 'workbench.colorTheme': THEMES.light },
        toasts: true,
        daemonEnv: movableClock(clock.file),
        // Idle agents stay idle through the replayed afternoon: only ended sessions are offline.
        agentTimeoutMs: 6 * 60 * 60_000,
        workspaceFolder: path.join(root, 'shop-api'),
      },
    );
    if (afternoon === undefined) throw new Error('the scenario was not seeded');
    try {
      await takeAll(session, afternoon, root, asking.signal);
    } finally {
      // What the daemon held, beside its log: the first thing to read when a picture looks wrong.
      const tasks = await session.daemon.api.request('GET', '/v1/tasks?limit=200').catch((e: unknown) => describeError(e));
      await writeFile(path.join(testOutputDir, 'screenshots', 'tasks.json'), JSON.stringify(tasks, null, 2));
    }
  } catch (error) {
    if (session !== undefined) console.error(`the screen at the failure: ${await session.ui.screenshot('failed').catch(() => 'none')}`);
    throw error;
  } finally {
    asking.abort();
    await session?.close();
    await rm(root, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function takeAll(session: TrackerWorkbench, afternoon: Afternoon, root: string, asking: AbortSignal): Promise<void> {
  const { ui } = session;
  const page = ui.page;
  await ui.openContainer('Agent Tracker');
  await ui.waitForRows('Agents', 'every live agent', (rows) => ['Codex · web-app', 'Claude Code · billing', 'Gemini CLI · docs'].every((name) => rows.some((r) => r.label.startsWith(name))), WAIT_MS);

  // The waiting agent runs in a terminal of this window: its notification and page then offer Focus Terminal.
  const pidFile = path.join(root, 'shell.pid');
  await ui.runCommand('Terminal: Create New Terminal');
  const terminal = page.locator('.terminal-wrapper.active .xterm');
  await terminal.waitFor({ state: 'visible', timeout: WAIT_MS });
  await terminal.click();
  await page.keyboard.type(`echo $$ > ${pidFile}; clear\n`, { delay: 10 });
  const pid = await pollUntil('the terminal shell to write its pid', async () => Number(await readFile(pidFile, 'utf8').catch(() => '')) || undefined, WAIT_MS, UI_INTERVAL_MS);
  await ui.runCommand('View: Hide Panel');

  await afternoon.askPermission(pid, asking);
  const toast = page.locator('.notification-toast', { hasText: WAITING_COMMAND }).first();
  await toast.waitFor({ state: 'visible', timeout: WAIT_MS });
  await toast.locator('.monaco-button', { hasText: 'Focus Terminal' }).waitFor({ state: 'visible', timeout: WAIT_MS });
  await page.locator('.notification-toast.notification-fade-in-done').first().waitFor({ timeout: WAIT_MS });
  // A toast under the pointer stays on screen for as long as the pictures take.
  await toast.hover();
  await both(session, 'notification', () => clipAround(ui.page, toast, { left: 32, top: 32, right: 8, bottom: 40 }));

  await ui.runCommand('Notifications: Clear All Notifications');
  await ui.widenSidebar(SIDEBAR_WIDTH);
  // The views as they open, but ended sessions folded (the row has no buttons to show once clicked) and History, a
  // day's list of its own, closed: the picture is of what runs and waits.
  const agents = ui.view('Agents');
  const collapsedAgent = agents.locator('.monaco-list-row[aria-level="1"][aria-expanded="false"]').filter({ hasNotText: /ended session/ });
  for (let round = 0; round < 5 && (await collapsedAgent.count()) > 0; round++) await collapsedAgent.first().locator('.monaco-tl-twistie').click();
  // Last, so that the focused row is one without inline buttons.
  const ended = agents.locator('.monaco-list-row', { hasText: /ended session/ }).first();
  if ((await ended.getAttribute('aria-expanded')) === 'false') await ended.locator('.monaco-tl-twistie').click();
  await ended.locator('.monaco-tl-twistie').click();
  const history = ui.view('History').locator('.pane-header');
  if ((await history.getAttribute('aria-expanded')) === 'true') await history.click();
  // Focus out of the views (a focused row shows its inline buttons over its text), the pointer off them.
  await page.locator('.part.editor').click();
  await page.mouse.move(1270, 400);
  await settle(afternoon);
  await both(session, 'sidebar', async () => page.screenshot({ clip: await ui.sidebarClip() }));

  // The task page and the charts get the whole width.
  await ui.view('Tasks').locator('.monaco-list-row', { hasText: afternoon.waitingTitle }).first().click();
  await pollUntil('the task page', () => ui.webviewContaining(afternoon.waitingTitle, 'package.json'), WAIT_MS, UI_INTERVAL_MS);
  await ui.runCommand('View: Toggle Primary Side Bar Visibility');
  await shootWebview(session, afternoon, 'task-page', afternoon.waitingTitle);

  await ui.runCommand('Agent Tracker: Show Timeline');
  await pollUntil('the timeline lanes', () => ui.webviewContaining('Codex · web-app', 'Gemini CLI · docs'), WAIT_MS, UI_INTERVAL_MS);
  await shootWebview(session, afternoon, 'timeline', 'Agent Timeline');

  await ui.runCommand('Agent Tracker: Show Dashboard');
  await pollUntil('the dashboard', () => ui.webviewContaining('Tasks by state'), WAIT_MS, UI_INTERVAL_MS);
  await shootWebview(session, afternoon, 'dashboard', 'Tasks by state');
}

/**
 * Busy agents make a tool call (none may look silent), then the views catch up: rows, the status bar's budget, and
 * webviews, which paint a moment after their content arrives.
 */
async function settle(afternoon: Afternoon): Promise<void> {
  await afternoon.pulse();
  // Rows redraw within 2 s; the status bar reads budgets at most every 3 s while usage arrives.
  await delay(3500);
}

/**
 * The window with the webview that shows `text`, cut below its content, or grown (up to a bound) when its content
 * is longer than the window: the whole page, and no empty screen below it.
 */
async function shootWebview(session: TrackerWorkbench, afternoon: Afternoon, view: string, text: string): Promise<void> {
  const page = session.ui.page;
  await page.mouse.move(VIEWPORT.width - 10, VIEWPORT.height - 10);
  await settle(afternoon);
  // Frames of pages replaced since (the preview turned to another task) linger detached: only a live one is measured.
  const measure = async (frame: Frame): Promise<{ box: { y: number; height: number }; content: number } | undefined> => {
    if (!(await frame.locator('body').innerText({ timeout: 1000 })).includes(text)) return undefined;
    const box = await (await frame.frameElement()).boundingBox();
    // Evaluated in the page (as text: these sources are compiled without the DOM's types).
    const content = Number(await frame.evaluate("Math.ceil(Math.max(0, ...Array.from(document.body.querySelectorAll('*'), (e) => e.getBoundingClientRect().bottom)))"));
    return box !== null && box.height > 0 && content > 0 ? { box, content } : undefined;
  };
  const { box, content } = await pollUntil(`the frame showing "${text}"`, async () => {
    for (const frame of page.frames()) {
      const found = await measure(frame).catch(() => undefined);
      if (found) return found;
    }
    return undefined;
  }, WAIT_MS, UI_INTERVAL_MS);
  if (content > box.height) {
    await page.setViewportSize({ width: VIEWPORT.width, height: Math.min(MAX_HEIGHT, VIEWPORT.height + content - box.height + 24) });
    await delay(1500);
    await both(session, view, () => page.screenshot());
    await page.setViewportSize(VIEWPORT);
  } else {
    const height = Math.min(VIEWPORT.height, Math.ceil(box.y + content + 24));
    await both(session, view, () => page.screenshot({ clip: { x: 0, y: 0, width: VIEWPORT.width, height } }));
  }
}

/** Takes one picture in each theme (the current one first: one switch per view) into media/. */
async function both(session: TrackerWorkbench, view: string, take: () => Promise<Buffer>): Promise<void> {
  const first: Theme = (await session.ui.isDark()) ? 'dark' : 'light';
  for (const theme of [first, first === 'dark' ? 'light' : 'dark'] as const) {
    if (theme !== first) {
      await session.ui.colorTheme(THEMES[theme], theme === 'dark');
      // Webviews take the theme's colours a moment after the workbench.
      await delay(1500);
    }
    const file = path.join(mediaDir, `screenshot-${view}-${theme}.png`);
    await writeFile(file, await take());
    console.log(path.relative(repoRoot, file));
  }
}

/** A region around an element, within the viewport. */
async function clipAround(
  page: TrackerWorkbench['ui']['page'],
  target: Locator,
  margin: { left: number; top: number; right: number; bottom: number },
): Promise<Buffer> {
  const box = await target.boundingBox();
  const viewport = page.viewportSize();
  if (box === null || viewport === null) throw new Error('the element is not on screen');
  const x = Math.max(0, box.x - margin.left);
  const y = Math.max(0, box.y - margin.top);
  const width = Math.min(viewport.width, box.x + box.width + margin.right) - x;
  const height = Math.min(viewport.height, box.y + box.height + margin.bottom) - y;
  return page.screenshot({ clip: { x, y, width, height } });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(describeError(error, { stack: true }));
    process.exit(1);
  },
);
