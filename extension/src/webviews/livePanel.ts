/**
 * A page that shows a picture of the whole model and follows it live (the Timeline, the Dashboard): one panel per
 * kind, recomputed at most once a second while events arrive and every half minute as time passes, and sent to its
 * script as data. The page may ask to open a task's page, or choose how it is shown (the Timeline's window).
 */
import * as vscode from 'vscode';
import type { Event } from '../common/emitter.js';
import { Disposable } from '../common/lifecycle.js';
import type { Logger } from '../common/logger.js';
import { plainData } from '../model/plainText.js';
import type { TrackerModel } from '../model/trackerModel.js';
import { LivePanelInboundSchema, type LivePanelOutbound } from './livePanelMessages.js';
import { webviewHtml, webviewOptions } from './webviewHtml.js';

const RENDER_DEBOUNCE_MS = 1000;
const TICK_MS = 30_000;

/** `V`: the view the page draws; `C`: what the page may choose from (never: nothing to choose). */
export interface LivePanelSpec<V, C extends string = never> {
  viewType: string;
  title: string;
  script: string;
  style: string;
  /** Static skeleton markup (no agent text). */
  body: string;
  /** The view, as the page last chose to be shown (undefined: not chosen, or nothing to choose). */
  compute: (choice: C | undefined) => V;
  /** What the page may choose from; anything else is ignored. */
  choices?: readonly C[];
  /** Changes besides the model's that the view follows. */
  alsoOn?: readonly Event<unknown>[];
}

export class LivePanel<V, C extends string = never> extends Disposable {
  /** The open panel of each view type (of its own V and C, which the map cannot say). */
  private static readonly open = new Map<string, Disposable>();
  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly renderedEmitter = this.register(new vscode.EventEmitter<V>());
  /** Every view sent to the page (tests follow it). */
  readonly onDidRender = this.renderedEmitter.event;
  private last: V | undefined;
  private choice: C | undefined;

  static get(viewType: string): LivePanel<unknown, string> | undefined {
    return LivePanel.open.get(viewType) as LivePanel<unknown, string> | undefined;
  }

  static createOrShow<V, C extends string = never>(extensionUri: vscode.Uri, model: TrackerModel, logger: Logger, spec: LivePanelSpec<V, C>): LivePanel<V, C> {
    const existing = LivePanel.open.get(spec.viewType) as LivePanel<V, C> | undefined;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Active);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(spec.viewType, spec.title, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    const instance = new LivePanel(panel, extensionUri, model, logger, spec);
    LivePanel.open.set(spec.viewType, instance);
    return instance;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    model: TrackerModel,
    private readonly logger: Logger,
    private readonly spec: LivePanelSpec<V, C>,
  ) {
    super();
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'agent-tracker.svg');
    panel.webview.html = webviewHtml(panel.webview, extensionUri, { heading: spec.title, script: spec.script, style: spec.style, body: spec.body });
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)));
    this.register(model.onDidChange(() => this.schedule()));
    this.register(model.onDidChangeConnection(() => this.schedule()));
    for (const event of spec.alsoOn ?? []) this.register(event(() => this.schedule()));
    const tick = setInterval(() => this.render(), TICK_MS);
    this.register({ dispose: () => (clearInterval(tick), clearTimeout(this.timer)) });
  }

  /** The last view sent to the page. */
  get view(): V | undefined {
    return this.last;
  }

  override dispose(): void {
    if (LivePanel.open.get(this.spec.viewType) === this) LivePanel.open.delete(this.spec.viewType);
    super.dispose();
    this.panel.dispose();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, RENDER_DEBOUNCE_MS);
  }

  private render(): void {
    if (!this.ready || this.isDisposed) return;
    // Agent text reaches the page as plain text: no bidi reordering, no hidden characters.
    this.last = plainData(this.spec.compute(this.choice));
    void this.post({ type: 'render', view: this.last });
    this.renderedEmitter.fire(this.last);
  }

  private post(message: LivePanelOutbound<V>): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    const parsed = LivePanelInboundSchema.safeParse(raw);
    if (!parsed.success) {
      this.logger.warn(`ignored a malformed message from ${this.spec.title}: ${parsed.error.message}`);
      return;
    }
    if (parsed.data.type === 'ready') {
      this.ready = true;
      this.render();
    } else if (parsed.data.type === 'choose') {
      const value = parsed.data.value;
      const choice = this.spec.choices?.find((c) => c === value);
      if (choice === undefined) {
        this.logger.warn(`ignored an unknown choice from ${this.spec.title}`);
        return;
      }
      this.choice = choice;
      this.render();
    } else {
      void vscode.commands.executeCommand('agentTracker.showTaskDetails', parsed.data.taskId);
    }
  }
}
