/** Headless Chromium (Debian's) for the board's tests, with the flags the e2e suite uses on a closed network. */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestDaemon } from '../support/testDaemon.js';

export const CHROMIUM = '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A one-time login link from the daemon (what `agent-tracker open --print` prints). */
export async function loginUrl(t: TestDaemon): Promise<string> {
  const res = await t.http.post<{ url: string }>('/v1/login-codes');
  if (res.status !== 201) throw new Error(`login code: ${res.status} ${res.text}`);
  return res.body.url;
}

/** A fresh browser context logged in to the board, at the given viewport. */
export async function openBoard(browser: Browser, t: TestDaemon, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(await loginUrl(t));
  await page.waitForSelector('.b-header');
  return { context, page };
}

/** The session cookie the login set, as a Cookie header. */
export async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name.startsWith('agent_tracker_session_'));
  if (!session) throw new Error('no session cookie');
  return `${session.name}=${session.value}`;
}
