// What a user does in the workbench, as Playwright steps: open the activity bar container, read tree rows (their
// aria-labels, as a screen reader hears them), run palette commands and answer their prompts.
import path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { pollUntil } from '../support/poll.js';
import { UI_INTERVAL_MS, UI_TIMEOUT_MS } from './uiWait.js';
import { describeError } from '../../daemon/src/protocol/index.js';

/** What the functions evaluated in the page read of an element (this program has no DOM types). */
interface PageElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
}

export interface TreeRow {
  label: string;
  /** 1 for a root row; a task under the "Stuck" group is at level 2. */
  level: number;
}

/** The label of the root row a row sits under (itself, for a root row); undefined when no row matches. */
export function rootOf(rows: TreeRow[], match: RegExp): string | undefined {
  let root: string | undefined;
  for (const row of rows) {
    if (row.level === 1) root = row.label;
    if (match.test(row.label)) return root;
  }
  return undefined;
}

export class WorkbenchUi {
  constructor(
    readonly page: Page,
    private readonly screenshotDir: string,
  ) {}

  /** Waits for the container's activity bar entry (it appears once the extension is registered) and opens it. */
  async openContainer(title: string): Promise<void> {
    const entry = this.page.locator(`.activitybar .action-item [aria-label^="${title}"]`).first();
    await entry.waitFor({ state: 'visible', timeout: 90_000 });
    const sidebarTitle = this.page.locator('.part.sidebar .composite.title h2');
    if ((await sidebarTitle.textContent().catch(() => ''))?.trim().toLowerCase() !== title.toLowerCase()) await entry.click();
    await pollUntil(`the ${title} side bar`, async () =>
      (await sidebarTitle.textContent())?.trim().toLowerCase() === title.toLowerCase() ? true : undefined,
      UI_TIMEOUT_MS,
      UI_INTERVAL_MS,
    );
  }

  view(title: string): Locator {
    return this.page
      .locator('.part.sidebar .pane')
      .filter({ has: this.page.locator('.pane-header h3.title', { hasText: new RegExp(`^${title}$`, 'i') }) });
  }

  /** Every row of a view, with each collapsed row expanded first: groups hide their tasks until opened. */
  async rows(title: string): Promise<TreeRow[]> {
    const view = this.view(title);
    const header = view.locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    for (let round = 0; round < 5; round++) {
      const collapsed = view.locator('.monaco-list-row[aria-expanded="false"]');
      if ((await collapsed.count()) === 0) break;
      await collapsed.first().locator('.monaco-tl-twistie').click();
    }
    return view.locator('.monaco-list-row').evaluateAll((rows: PageElement[]) =>
      rows.map((r) => ({ label: r.getAttribute('aria-label') ?? '', level: Number(r.getAttribute('aria-level') ?? '1') })),
    );
  }

  /** Polls a view until its rows satisfy `check`; the error names what was expected and what was there. */
  async waitForRows(title: string, what: string, check: (rows: TreeRow[]) => boolean, timeoutMs = 30_000): Promise<TreeRow[]> {
    let last: TreeRow[] = [];
    try {
      return await pollUntil(
        `${what} in the ${title} view`,
        async () => {
          last = await this.rows(title);
          return check(last) ? last : undefined;
        },
        timeoutMs,
        UI_INTERVAL_MS,
      );
    } catch (error) {
      const shown = last.map((r) => `${'  '.repeat(r.level - 1)}${r.label}`).join('\n');
      throw new Error(`${describeError(error)}; rows:\n${shown}`);
    }
  }

  /** Runs a command from the palette (F1) by its full title, e.g. "Agent Tracker: Refresh". */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    // Enter runs the focused row; fuzzy ranking may put a longer title first, so walk down to the exact one.
    const focused = this.page.locator('.quick-input-list .monaco-list-row.focused');
    // A command run before is listed as "<title>, recently used".
    const isTitle = (label: string | null): boolean => label === title || (label ?? '').startsWith(`${title}, `);
    const exact = this.page.locator(`.quick-input-list .monaco-list-row[aria-label="${title}"], .quick-input-list .monaco-list-row[aria-label^="${title}, "]`);
    await exact.first().waitFor({ state: 'visible', timeout: 10_000 });
    await pollUntil(`"${title}" focused in the palette`, async () => {
      if (isTitle(await focused.getAttribute('aria-label', { timeout: 1000 }))) return true;
      await input.press('ArrowDown');
      return undefined;
    }, UI_TIMEOUT_MS, UI_INTERVAL_MS);
    await input.press('Enter');
    await pollUntil(`the palette to run "${title}"`, async () =>
      !(await input.isVisible()) || !(await input.inputValue()).startsWith('>') ? true : undefined,
      UI_TIMEOUT_MS,
      UI_INTERVAL_MS,
    );
  }

  /** Types a command's title into the palette and presses Enter at once, as a user does: runs whatever ranks first. */
  async typeCommandAndEnter(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await this.page.locator(`.quick-input-list .monaco-list-row[aria-label^="${title}"]`).first().waitFor({ state: 'visible', timeout: 10_000 });
    await input.press('Enter');
  }

  /** The placeholder of the quick input once it asks something (not the palette itself). */
  async quickInputPlaceholder(): Promise<string> {
    const input = this.page.locator('.quick-input-widget input');
    return pollUntil('a question in the quick input', async () => {
      if (!(await input.isVisible())) return undefined;
      const value = await input.inputValue();
      const placeholder = (await input.getAttribute('placeholder')) ?? '';
      return value.startsWith('>') || !placeholder ? undefined : placeholder;
    }, UI_TIMEOUT_MS, UI_INTERVAL_MS);
  }

  /** The number on a view container's activity bar entry, or '' when it has none. */
  async containerBadge(title: string): Promise<string> {
    const item = this.page.locator('.activitybar .action-item').filter({ has: this.page.locator(`[aria-label^="${title}"]`) }).first();
    return ((await item.locator('.badge .badge-content').textContent({ timeout: 1000 }).catch(() => '')) ?? '').trim();
  }

  /**
   * Puts keyboard focus on the first task of a group, with the keyboard only (a click on a task would open it): a click
   * on the group row (which only toggles it), then Right to expand it and Right again to its first child.
   * Resolves with the focused row's label.
   */
  async focusFirstTaskOf(title: string, group: string): Promise<string> {
    const row = this.view(title).locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${group}$`) }) }).first();
    await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await row.click();
    if ((await row.getAttribute('aria-expanded')) === 'false') await this.page.keyboard.press('ArrowRight');
    await this.page.keyboard.press('ArrowRight');
    const focused = this.view(title).locator('.monaco-list-row.focused');
    return pollUntil('a task row focused', async () => {
      const label = (await focused.getAttribute('aria-label', { timeout: 1000 }).catch(() => null)) ?? '';
      return label && !label.startsWith(group) ? label : undefined;
    }, UI_TIMEOUT_MS, UI_INTERVAL_MS);
  }

  /** True once some webview frame's text holds every one of these strings. */
  async webviewContaining(...texts: string[]): Promise<true | undefined> {
    for (const frame of this.page.frames()) {
      const text = await frame.locator('body').innerText({ timeout: 1000 }).catch(() => '');
      if (texts.every((t) => text.includes(t))) return true;
    }
    return undefined;
  }

  /** The webview frame holding this selector, once one does. */
  async webviewFrame(selector: string): Promise<Frame> {
    return pollUntil(`a webview with ${selector}`, async () => {
      for (const frame of this.page.frames()) if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
      return undefined;
    }, UI_TIMEOUT_MS, UI_INTERVAL_MS);
  }

  /** Whether the workbench shows a dark theme. */
  async isDark(): Promise<boolean> {
    const classes = (await this.page.locator('.monaco-workbench').getAttribute('class')) ?? '';
    return classes.split(/\s+/).includes('vs-dark');
  }

  /**
   * Chooses a colour theme by its setting's name ("Default Dark Modern") from "Preferences: Color Theme", as a user does
   * (the workbench does not follow a settings file edited behind its back), and waits until the workbench is dark or
   * light as asked.
   */
  async colorTheme(name: string, dark: boolean): Promise<void> {
    if ((await this.isDark()) === dark) return;
    await this.runCommand('Preferences: Color Theme');
    const input = this.page.locator('.quick-input-widget input');
    // The picker names the default themes without "Default" ("Dark Modern"); the setting keeps it.
    const label = name.replace(/^Default /, '');
    await input.fill(label);
    await this.page.locator(`.quick-input-list .monaco-list-row.focused[aria-label*="${label}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
    await input.press('Enter');
    await pollUntil(`the ${name} theme`, async () => ((await this.isDark()) === dark ? true : undefined), UI_TIMEOUT_MS, UI_INTERVAL_MS);
  }

  /** Waits for a quick pick listing an item that matches, and picks it. */
  async pick(item: RegExp): Promise<string> {
    const row = this.quickPickRows().filter({ hasText: item }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    const label = (await row.getAttribute('aria-label')) ?? '';
    await row.click();
    return label;
  }

  /**
   * Answers whatever the command asks next, until it stops asking: picks the first item matching one of `choices`,
   * types `text` into a free-text box, confirms a modal dialog with a button matching `confirm`.
   */
  async answerPrompts(answers: { choices: RegExp[]; text: string; confirm: RegExp }, timeoutMs = 20_000): Promise<string[]> {
    const answered: string[] = [];
    const widget = this.page.locator('.quick-input-widget');
    const dialog = this.page.locator('.monaco-dialog-box');
    const deadline = Date.now() + timeoutMs;
    // The first prompt may take a moment (the command fetches what to offer); later ones follow with short gaps:
    // stop once nothing more has been asked for a second.
    let quietSince = Date.now() + 10_000;
    while (Date.now() < deadline && Date.now() - quietSince < 1000) {
      if (await dialog.isVisible()) {
        const button = dialog.locator('.monaco-button', { hasText: answers.confirm }).first();
        answered.push(`dialog: ${(await button.textContent()) ?? ''}`);
        await button.click();
        quietSince = Date.now();
      } else if (await widget.isVisible()) {
        answered.push(await this.answerQuickInput(answers));
        quietSince = Date.now();
      }
      await this.page.waitForTimeout(100);
    }
    return answered;
  }

  private async answerQuickInput(answers: { choices: RegExp[]; text: string }): Promise<string> {
    const before = await this.settledQuickInput();
    const input = this.page.locator('.quick-input-widget input');
    let answer: string;
    if (!before.pick) {
      await input.fill(answers.text);
      await input.press('Enter');
      answer = `text: ${answers.text}`;
    } else {
      const label = answers.choices.map((c) => before.labels.find((l) => c.test(l))).find((l) => l !== undefined);
      if (label === undefined) throw new Error(`no answer for the quick pick offering ${JSON.stringify(before.labels)}`);
      // Rows are found by their label, not their place: the list may lay its rows out again between reading and clicking.
      const rowLabels = await this.quickPickLabels();
      const at = rowLabels.indexOf(label);
      if (at < 0) throw new Error(`the quick pick no longer offers ${JSON.stringify(label)}: ${JSON.stringify(rowLabels)}`);
      await this.quickPickRows().nth(at).click();
      answer = `pick: ${label}`;
    }
    // The next prompt may reuse the same widget: wait until it hid or shows something else, never answer twice.
    await pollUntil('the prompt to move on', async () => {
      const after = await this.quickInputState();
      return !after.visible || after.key !== before.key ? true : undefined;
    }, 5000, UI_INTERVAL_MS);
    return answer;
  }

  /**
   * The quick input once its rows are drawn: a pick shows its list a moment after the widget itself, and read too early
   * it looks like a free-text box. A widget whose list stays hidden is an input box.
   */
  private async settledQuickInput(): Promise<{ pick: boolean; labels: string[]; key: string }> {
    const list = this.page.locator('.quick-input-widget .quick-input-list');
    return pollUntil('the quick input to show its question', async () => {
      const state = await this.quickInputState();
      const pick = await list.isVisible();
      if (pick && state.labels.length === 0) return undefined;
      return { pick, labels: state.labels, key: state.key };
    }, 5000, UI_INTERVAL_MS);
  }

  private quickPickRows(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  }

  /** The labels of the rows the quick pick shows, in their order. */
  private quickPickLabels(): Promise<string[]> {
    return this.quickPickRows().evaluateAll((els: PageElement[]) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  }

  private async quickInputState(): Promise<{ visible: boolean; labels: string[]; key: string }> {
    const widget = this.page.locator('.quick-input-widget');
    const visible = await widget.isVisible();
    if (!visible) return { visible, labels: [], key: '' };
    const labels = await this.quickPickLabels();
    const placeholder = (await widget.locator('input').getAttribute('placeholder').catch(() => null)) ?? '';
    const title = (await widget.locator('.quick-input-title').textContent().catch(() => null)) ?? '';
    return { visible, labels, key: `${title}|${placeholder}|${labels.join('|')}` };
  }

  /** Drags the side bar's edge so rows show their descriptions in full (for screenshots a reader can use). */
  async widenSidebar(width: number): Promise<void> {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (box === null || box.width >= width) return;
    const edge = { x: box.x + box.width + 1, y: box.y + box.height / 2 };
    await this.page.mouse.move(edge.x, edge.y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, edge.y, { steps: 10 });
    await this.page.mouse.up();
    // Away from the edge, or its hover highlight stays in the picture.
    await this.page.mouse.move(box.x + width + 300, edge.y);
    await this.page.locator('.monaco-sash.hover, .monaco-sash.active').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
  }

  /** The activity bar and the side bar, from the title bar down to the status bar. */
  async sidebarClip(): Promise<{ x: number; y: number; width: number; height: number }> {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    const viewport = this.page.viewportSize();
    if (box === null || viewport === null) throw new Error('no side bar on screen');
    return { x: 0, y: 0, width: Math.ceil(box.x + box.width + 4), height: viewport.height };
  }

  /** A picture of the activity bar and the side bar only. */
  async screenshotSidebar(name: string): Promise<string> {
    const file = path.join(this.screenshotDir, `${name}.png`);
    await this.page.screenshot({ path: file, clip: await this.sidebarClip() });
    return file;
  }

  /** The notification toasts on screen: what a command said when it did not do what a test expected. */
  async notifications(): Promise<string[]> {
    return this.page
      .locator('.notification-toast .notification-list-item')
      .evaluateAll((els: PageElement[]) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
  }

  async screenshot(name: string, target?: Locator): Promise<string> {
    const file = path.join(this.screenshotDir, `${name}.png`);
    await (target ?? this.page).screenshot({ path: file });
    return file;
  }
}
