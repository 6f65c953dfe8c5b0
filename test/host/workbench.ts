// Opens the VS Code web workbench of a running server in headless Chromium.
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumBin } from './hostPaths.js';
import type { VscodeServer } from './vscodeServer.js';

/** Without the background-networking flags Chromium keeps dialling Google's hosts on a closed network. */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const GOTO_TIMEOUT_MS = 120_000;

export interface WorkbenchOptions {
  workspaceFolder: string;
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
  viewport?: { width: number; height: number };
}

export interface Workbench {
  browser: Browser;
  page: Page;
  /** Errors the page printed: the first clue when the workbench never reaches the extension host. */
  consoleErrors: string[];
  close(): Promise<void>;
}

export function workbenchUrl(server: VscodeServer, options: WorkbenchOptions): string {
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath !== undefined) {
    payload.push(['extensionDevelopmentPath', server.remoteUri(options.extensionDevelopmentPath)]);
  }
  if (options.extensionTestsPath !== undefined) {
    payload.push(['extensionTestsPath', server.remoteUri(options.extensionTestsPath)]);
  }
  const query = new URLSearchParams({ folder: options.workspaceFolder });
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `${server.origin}/?${query.toString()}`;
}

export async function openWorkbench(server: VscodeServer, options: WorkbenchOptions): Promise<Workbench> {
  // The runners own signal handling: they stop the server and the browser together.
  const browser = await chromium.launch({
    executablePath: chromiumBin,
    headless: true,
    args: chromiumArgs,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const consoleErrors: string[] = [];
  const close = async (): Promise<void> => {
    await browser.close().catch(() => undefined);
  };
  try {
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    // A machine busy with other builds can take well over Playwright's default 30 s to serve the first page.
    await page.goto(workbenchUrl(server, options), { waitUntil: 'domcontentloaded', timeout: GOTO_TIMEOUT_MS });
    return { browser, page, consoleErrors, close };
  } catch (error) {
    await close();
    throw error;
  }
}
