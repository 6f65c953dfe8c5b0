/**
 * The web board in a real browser against a real daemon: login with a one-time code, live updates, the task page and
 * its actions, agent text shown as text, a phone's width without sideways scrolling, and the refusals that keep other
 * pages (other sites, other ports of this host, `null` origins, foreign Hosts) from using the board's session.
 */
import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { expectError } from '../support/http.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';
import { cliEnv, runCli } from '../support/runCli.js';
import { launchBrowser, loginUrl, openBoard, sessionCookie } from './boardBrowser.js';
import WebSocket from 'ws';

describe('board: the web board in a browser', function () {
  this.timeout(60_000);
  let browser: Browser;
  let t: TestDaemon;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    t = await startTestDaemon();
  });
  afterEach(async () => {
    await t.close();
  });

  const createTask = (body: Record<string, unknown>): Promise<Task> => t.http.ok(t.http.post<Task>('/v1/tasks', body));

  it('logs in with a one-time code: an HttpOnly, SameSite=Strict cookie, and the code leaves the address bar', async () => {
    await createTask({ title: 'Visible after login' });
    const url = await loginUrl(t);
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(url);
    assert.equal(response?.status(), 200);
    assert.equal(new URL(page.url()).search, '', 'redirected to the board without the code');
    await page.getByText('Visible after login').waitFor();
    const [cookie] = await context.cookies();
    assert.ok(cookie);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.name, `agent_tracker_session_${t.daemon.port}`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.ok(!csp.includes('unsafe-inline'));
    // The same code again: refused.
    const again = await (await browser.newContext()).newPage();
    assert.equal((await again.goto(url))?.status(), 403);
    await again.context().close();
    await context.close();
  });

  it('without a session the board says how to log in, and the API refuses', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.daemon.url}/`);
    await page.getByText('agent-tracker open').first().waitFor();
    assert.equal((await page.goto(`${t.daemon.url}/login?code=made-up`))?.status(), 403);
    expectError(await t.http.get('/v1/tasks', { token: null }), 401, 'unauthorized');
    await context.close();
  });

  it('shows a new task within a second of its creation, and what needs the user first', async () => {
    const { context, page } = await openBoard(browser, t);
    await page.getByText('No open tasks').waitFor();
    const started = Date.now();
    const task = await createTask({ title: 'Arrives live', state: 'active', agentId: 'claude-code:s1' });
    await page.locator(`[data-task="${task.id}"]`).waitFor({ timeout: 1000 });
    assert.ok(Date.now() - started < 1000);
    await t.http.ok(t.http.post(`/v1/tasks/${task.id}/transition`, { to: 'paused', needsInput: { kind: 'permission', message: 'Bash(rm -rf build)' } }));
    const first = page.locator('section.b-group').first();
    await first.getByText('waiting for permission: Bash(rm -rf build)').waitFor({ timeout: 1000 });
    assert.match((await first.locator('h2').textContent()) ?? '', /Needs you/);
    await page.locator('.b-status.needs-you').waitFor();
    await context.close();
  });

  it('opens a task page from its row and acts on it', async () => {
    const parent = await createTask({ title: 'Parent task' });
    const task = await createTask({ title: 'Cancel me', parentId: parent.id, state: 'active', agentId: 'worker' });
    await t.http.ok(t.http.post('/v1/events', [{ op: 'log', taskId: task.id, message: 'a log line from the agent', level: 'info' }]));
    const { context, page } = await openBoard(browser, t);
    await page.locator(`[data-task="${task.id}"] > a`).click();
    await page.locator('.page-taskPage h1', { hasText: 'Cancel me' }).waitFor();
    await page.getByText('a log line from the agent').waitFor();
    await page.getByText('Parent task').waitFor();
    await page.locator('button[data-action="cancel"]').click();
    await page.locator('.state', { hasText: 'cancelled' }).waitFor();
    const stored = await t.http.ok(t.http.get<Task>(`/v1/tasks/${task.id}`));
    assert.equal(stored.state, 'cancelled');
    await context.close();
  });

  it('allows an approval from the board on a phone: the waiting hook gets the decision', async () => {
    const hook = (payload: Record<string, unknown>, wait?: number) =>
      t.http.post<{ output?: Record<string, unknown> }>('/v1/hooks/claude-code', { session_id: 'board-s1', cwd: '/w/app', ...payload }, wait === undefined ? {} : { headers: { 'x-agent-tracker-wait': String(wait) } });
    await t.http.ok(hook({ hook_event_name: 'UserPromptSubmit', prompt_id: 'p1', prompt: 'clean the build' }));
    const { context, page } = await openBoard(browser, t, { width: 390, height: 844 });
    const answer = hook({ hook_event_name: 'PermissionRequest', prompt_id: 'p1', tool_name: 'Bash', tool_input: { command: 'rm -rf build' } }, 60);
    const card = page.locator('.b-approval', { hasText: 'Bash(rm -rf build)' });
    await card.waitFor({ timeout: 5000 });
    await card.getByRole('button', { name: 'Allow' }).click();
    const res = await answer;
    assert.equal(res.status, 202);
    assert.deepEqual(res.body.output, { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } });
    await card.waitFor({ state: 'detached', timeout: 5000 });
    const [decided] = (await t.http.ok(t.http.get<{ items: { state: string; via?: string }[] }>('/v1/approvals'))).items;
    assert.equal(decided?.state, 'allowed');
    assert.equal(decided?.via, 'web');
    await context.close();
  });

  it('denies an approval from its task page with a reason the agent reads', async () => {
    const hook = (payload: Record<string, unknown>, wait?: number) =>
      t.http.post<{ output?: Record<string, unknown> }>('/v1/hooks/claude-code', { session_id: 'board-s2', cwd: '/w/app', ...payload }, wait === undefined ? {} : { headers: { 'x-agent-tracker-wait': String(wait) } });
    await t.http.ok(hook({ hook_event_name: 'UserPromptSubmit', prompt_id: 'p1', prompt: 'deploy it' }));
    const { context, page } = await openBoard(browser, t);
    page.removeAllListeners('dialog');
    page.on('dialog', (dialog) => void dialog.accept(dialog.type() === 'prompt' ? 'use the staging script' : undefined));
    const answer = hook({ hook_event_name: 'PermissionRequest', prompt_id: 'p1', tool_name: 'Bash', tool_input: { command: './deploy prod' } }, 60);
    await page.locator('.b-approval').waitFor();
    await page.evaluate(`location.hash = ${JSON.stringify('#/task/' + encodeURIComponent('claude-code:board-s2:p1'))}`);
    await page.locator('.page-taskPage h1', { hasText: 'deploy it' }).waitFor();
    await page.locator('.b-approval').getByRole('button', { name: 'Deny' }).click();
    const res = await answer;
    assert.deepEqual(res.body.output, { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'use the staging script' } } });
    await context.close();
  });

  it('shows agent text as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    const task = await createTask({ title: hostile, state: 'active', agentId: 'evil' });
    const { context, page } = await openBoard(browser, t);
    await page.locator(`[data-task="${task.id}"]`).waitFor();
    assert.equal(await page.locator(`[data-task="${task.id}"] > a`).textContent(), hostile);
    assert.equal(await page.locator('main img, main b').count(), 0);
    await page.locator(`[data-task="${task.id}"] > a`).click();
    await page.locator('.page-taskPage h1').waitFor();
    assert.equal(await page.locator('.page-taskPage h1').textContent(), hostile);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    await context.close();
  });

  it('timeline: fits the work by default, zooms to the window chosen (kept across redraws), with a now line', async () => {
    const task = await createTask({ title: 'A short session', state: 'active', agentId: 'tl-agent' });
    const { context, page } = await openBoard(browser, t);
    await page.evaluate(`location.hash = '#/timeline'`);
    const bar = page.locator(`.page-timeline .bar[data-task="${task.id}"]`);
    await bar.waitFor();
    const pressed = () => page.locator('.page-timeline [data-zoom][aria-pressed="true"]').getAttribute('data-zoom');
    assert.equal(await pressed(), 'fit');
    assert.equal(await page.locator('.page-timeline .track .now').count(), 1, 'a now line in the lane');
    // The bar runs up to the now line.
    const edges = await page.evaluate<{ barEnd: number; now: number }>(`(() => {
      const bar = document.querySelector('.page-timeline .bar').getBoundingClientRect();
      const now = document.querySelector('.page-timeline .track .now').getBoundingClientRect();
      return { barEnd: bar.right, now: now.left + now.width / 2 };
    })()`);
    assert.ok(Math.abs(edges.barEnd - edges.now) <= 3, `bar ends at ${edges.barEnd}, now at ${edges.now}`);
    await page.locator('.page-timeline [data-zoom="24h"]').click();
    await page.waitForFunction(`document.querySelector('.page-timeline [data-zoom="24h"]').getAttribute('aria-pressed') === 'true'`);
    // A change redraws the page in the window chosen.
    await createTask({ title: 'Another one', state: 'active', agentId: 'tl-agent' });
    await page.locator('.page-timeline .bar[aria-label^="Another one"]').waitFor();
    assert.equal(await pressed(), '24h');
    await context.close();
  });

  it('timeline: each kind of bar has a colour and a pattern of its own, in the light and the dark page', async () => {
    const { context, page } = await openBoard(browser, t);
    await page.evaluate(`location.hash = '#/timeline'`);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.locator('.page-timeline .legend .swatch').first().waitFor();
      const looks = await page.evaluate<{ kind: string; colour: string; pattern: string }[]>(`[...document.querySelectorAll('.page-timeline .legend .swatch')].map((s) => {
        const style = getComputedStyle(s);
        const colour = style.getPropertyValue('--c').trim();
        // The pattern: the background's shape and the border's style, whatever the colour.
        const pattern = (style.backgroundImage + ' ' + style.borderTopStyle).split(colour).join('C').replace(/rgba?\\([^)]*\\)/g, 'C');
        return { kind: s.className, colour, pattern };
      })`);
      assert.equal(looks.length, 8, scheme);
      assert.ok(looks.every((l) => l.colour !== ''), `${scheme}: every kind has a theme colour`);
      assert.equal(new Set(looks.map((l) => l.colour)).size, looks.length, `${scheme}: colours ${JSON.stringify(looks)}`);
      assert.equal(new Set(looks.map((l) => l.pattern)).size, looks.length, `${scheme}: patterns ${JSON.stringify(looks)}`);
    }
    await context.close();
  });

  it('fits a phone: no sideways scroll at 390 px in any view', async () => {
    const long = 'A very long title without spaces '.repeat(3) + 'x'.repeat(120);
    const task = await createTask({ title: long, state: 'active', agentId: 'claude-code:with-a-rather-long-session-identifier', step: 'Bash: ' + 'npm test '.repeat(20) });
    await createTask({ title: 'Done one', state: 'active', agentId: 'w2' }).then((d) => t.http.ok(t.http.post(`/v1/tasks/${d.id}/transition`, { to: 'done' })));
    const { context, page } = await openBoard(browser, t, { width: 390, height: 844 });
    for (const hash of ['#/tasks', '#/agents', '#/history', '#/timeline', '#/dashboard', `#/task/${task.id}`]) {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await page.waitForFunction('document.querySelector("#main .page, #main section, #main p") !== null');
      // Two frames: the board redraws on the next one.
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      const widths = await page.evaluate<{ scroll: number; client: number }>('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })');
      assert.ok(widths.scroll <= widths.client, `${hash}: scrollWidth ${widths.scroll} > clientWidth ${widths.client}`);
    }
    await context.close();
  });

  it('refuses the session from another origin, another port, a null origin and a foreign Host', async () => {
    const { context } = await openBoard(browser, t);
    const cookie = await sessionCookie(context);
    const port = t.daemon.port;
    const own = `http://127.0.0.1:${port}`;
    // The board's own origin may read and write.
    assert.equal((await t.http.get('/v1/tasks', { token: null, headers: { cookie, origin: own } })).status, 200);
    assert.equal((await t.http.post('/v1/tasks', { title: 'from the board' }, { token: null, headers: { cookie, origin: own } })).status, 201);
    for (const origin of ['https://evil.example', `http://127.0.0.1:${port + 1}`, `http://localhost:${port}`, 'null']) {
      expectError(await t.http.post('/v1/tasks', { title: 'x' }, { token: null, headers: { cookie, origin } }), 403, 'forbidden');
      expectError(await t.http.get('/v1/tasks', { token: null, headers: { cookie, origin } }), 403, 'forbidden');
    }
    // A cross-site fetch without Origin, and a write that names no origin at all.
    expectError(await t.http.get('/v1/tasks', { token: null, headers: { cookie, 'sec-fetch-site': 'same-site' } }), 403, 'forbidden');
    expectError(await t.http.post('/v1/tasks', { title: 'x' }, { token: null, headers: { cookie } }), 403, 'forbidden');
    expectError(await t.http.get('/v1/tasks', { token: null, headers: { cookie, origin: own, host: `evil.example:${port}` } }), 403, 'forbidden');
    // The bearer token with an Origin stays refused, as before.
    expectError(await t.http.get('/v1/tasks', { headers: { origin: own } }), 403, 'forbidden');
    // A session cannot mint login codes for others.
    expectError(await t.http.post('/v1/login-codes', undefined, { token: null, headers: { cookie, origin: own } }), 401, 'unauthorized');
    // The stream: the board's origin is let in, another is not.
    assert.equal(await upgrade(port, { cookie, origin: own }), 'open');
    assert.equal(await upgrade(port, { cookie, origin: `http://127.0.0.1:${port + 1}` }), 'refused 403');
    assert.equal(await upgrade(port, { cookie, origin: own, host: `evil.example:${port}` }), 'refused 403');
    await context.close();
  });

  it('logs out: the session ends and the board asks to log in again', async () => {
    const { context, page } = await openBoard(browser, t);
    const cookie = await sessionCookie(context);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByText('Not logged in').waitFor();
    expectError(await t.http.get('/v1/tasks', { token: null, headers: { cookie } }), 401, 'unauthorized');
    await context.close();
  });

  it('agent-tracker open --print prints a login link that works once', async () => {
    const result = await runCli(['open', '--print'], { env: cliEnv({ AGENT_TRACKER_HOME: t.home }) });
    assert.equal(result.code, 0, result.stderr);
    const url = result.stdout.trim();
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${t.daemon.port}/login\\?code=[A-Za-z0-9_-]{43}$`));
    const context = await browser.newContext();
    const page = await context.newPage();
    assert.equal((await page.goto(url))?.status(), 200);
    await page.waitForSelector('.b-header');
    assert.equal((await page.goto(url))?.status(), 403);
    await context.close();
  });
});

/** Tries a WebSocket upgrade to the stream with the given headers. */
function upgrade(port: number, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const { host, origin, ...rest } = headers;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/stream`, { headers: { ...rest, ...(host ? { host } : {}) }, ...(origin ? { origin } : {}) });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(`refused ${res.statusCode ?? 0}`);
      res.resume();
    });
    ws.once('error', (error) => resolve(`error ${error.message}`));
  });
}
