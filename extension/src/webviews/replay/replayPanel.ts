/**
 * The replay panel: a task's events as a timeline with a scrubber. The state after each event is computed here with
 * the shared reducer (the same code the daemon folds with), and the webview only draws what it is sent.
 */
import type { TrackerClient } from '#client';
import * as vscode from 'vscode';
import { Disposable } from '../../common/lifecycle.js';
import type { Logger } from '../../common/logger.js';
import { eventChanges } from '../../model/eventWords.js';
import { describeError, changedFields, replaySteps, type EventData, type Replay, type TrackerEvent } from '../../model/protocol.js';
import { plainData } from '../../model/plainText.js';
import { agentLabel, oneLine } from '../../model/plainWords.js';
import type { TrackerModel } from '../../model/trackerModel.js';
import { webviewHtml, webviewOptions } from '../webviewHtml.js';
import { ReplayInboundSchema, type ReplayInbound, type ReplayOutbound, type ReplayView } from './replayMessages.js';

export const REPLAY_VIEW_TYPE = 'agentTracker.replay';
/** Progress events can come many times a second; the timeline needs far fewer reloads. */
const RELOAD_DEBOUNCE_MS = 500;

export class ReplayPanel extends Disposable {
  private static current: ReplayPanel | undefined;
  private taskId: string;
  /** The client of the last load; Reload and following new events use it. */
  private client: TrackerClient | undefined;
  private view: ReplayView | undefined;
  private index = 0;
  private ready = false;
  private readonly selectedEmitter = this.register(new vscode.EventEmitter<number>());
  /** The webview reports every selection; tests and the extension follow it through this event. */
  readonly onDidSelect = this.selectedEmitter.event;

  static get active(): ReplayPanel | undefined {
    return ReplayPanel.current;
  }

  static async createOrShow(
    extensionUri: vscode.Uri,
    client: TrackerClient,
    taskId: string,
    logger: Logger,
    model?: TrackerModel,
  ): Promise<ReplayPanel> {
    const existing = ReplayPanel.current;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Active);
      if (existing.taskId !== taskId) {
        existing.taskId = taskId;
        existing.index = Number.MAX_SAFE_INTEGER;
      }
      await existing.load(client);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(REPLAY_VIEW_TYPE, 'Replay', vscode.ViewColumn.Active, {
      ...webviewOptions(extensionUri),
      retainContextWhenHidden: true,
    });
    const instance = new ReplayPanel(panel, extensionUri, taskId, logger, model);
    ReplayPanel.current = instance;
    if (model) instance.follow(model);
    await instance.load(client);
    return instance;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    taskId: string,
    private readonly logger: Logger,
    private readonly model: TrackerModel | undefined,
  ) {
    super();
    this.taskId = taskId;
    this.index = Number.MAX_SAFE_INTEGER;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'agent-tracker.svg');
    panel.webview.html = this.html();
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)));
  }

  get currentTaskId(): string {
    return this.taskId;
  }

  get selectedIndex(): number {
    return this.index;
  }

  get stepCount(): number {
    return this.view?.steps.length ?? 0;
  }

  get consistent(): boolean | null {
    return this.view?.consistent ?? null;
  }

  /** What each event changed, in the words the panel shows. */
  get changes(): string[][] {
    return this.view?.steps.map((step) => step.changes) ?? [];
  }

  /** Moves the selection in the webview (the webview answers with `selected`). */
  step(delta: number): Thenable<boolean> {
    return this.post({ type: 'step', delta });
  }

  select(index: number): Thenable<boolean> {
    return this.post({ type: 'select', index });
  }

  /** New events of the shown task extend the timeline; a user parked on the last event follows along. */
  private follow(model: TrackerModel): void {
    let timer: NodeJS.Timeout | undefined;
    this.register({ dispose: () => clearTimeout(timer) });
    this.register(
      model.onDidChange((change) => {
        if (!change.reset && !change.tasks.has(this.taskId)) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (this.client) void this.load(this.client);
        }, RELOAD_DEBOUNCE_MS);
      }),
    );
  }

  override dispose(): void {
    if (ReplayPanel.current === this) ReplayPanel.current = undefined;
    super.dispose();
    this.panel.dispose();
  }

  private async load(client: TrackerClient): Promise<void> {
    this.client = client;
    try {
      const wasAtEnd = !this.view || this.index >= this.view.steps.length - 1;
      const events = await client.allTaskEvents(this.taskId);
      const verdict: Replay | undefined = await client.replay(this.taskId).catch((error: unknown) => {
        this.logger.warn(`replay verdict for ${this.taskId}: ${describeError(error)}`);
        return undefined;
      });
      const steps = replaySteps(events);
      const title = steps.at(-1)?.state?.title ?? this.taskId;
      const agentName = (id: string): string => agentLabel(id, (agentId) => this.model?.getAgent(agentId));
      this.view = {
        taskId: this.taskId,
        title,
        consistent: verdict?.consistent ?? null,
        diff: verdict?.diff ?? [],
        steps: steps.map((step, i) => {
          const before = i === 0 ? null : (steps[i - 1]?.state ?? null);
          return {
            seq: step.event.seq,
            at: step.event.at,
            type: step.event.type,
            actor: step.event.actor,
            data: withoutLeaseToken(step.event),
            state: step.state && step.state.lease ? { ...step.state, lease: { ...step.state.lease, token: HIDDEN } } : step.state,
            changed: changedFields(before, step.state),
            changes: eventChanges(step.event, before, step.state, agentName),
          };
        }),
      };
      const last = Math.max(0, this.view.steps.length - 1);
      this.index = wasAtEnd ? last : Math.min(this.index, last);
      this.panel.title = `Replay: ${oneLine(title, 60)}`;
      if (this.ready) await this.post({ type: 'load', view: this.view, index: this.index });
    } catch (error) {
      this.logger.error(`replay of ${this.taskId} failed: ${describeError(error)}`);
      await this.post({ type: 'error', message: `Could not load the events of ${this.taskId}: ${describeError(error)}` });
    }
  }

  private onMessage(raw: unknown): void {
    const parsed = ReplayInboundSchema.safeParse(raw);
    if (!parsed.success) {
      this.logger.warn(`ignored a malformed message from the replay webview: ${parsed.error.message}`);
      return;
    }
    this.handle(parsed.data);
  }

  private handle(message: ReplayInbound): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (this.view) void this.post({ type: 'load', view: this.view, index: this.index });
        break;
      case 'selected':
        this.index = message.index;
        this.selectedEmitter.fire(message.index);
        break;
      case 'reload':
        if (this.client) void this.load(this.client);
        break;
    }
  }

  private post(message: ReplayOutbound): Thenable<boolean> {
    return this.panel.webview.postMessage(plainData(message));
  }

  private html(): string {
    return webviewHtml(this.panel.webview, this.extensionUri, { heading: 'Replay', script: 'replay.js', style: 'replay.css', body: REPLAY_BODY });
  }
}

/** A lease token lets whoever holds it act as the agent: the replay shows that there is one, not what it is. */
const HIDDEN = '(hidden)';

function withoutLeaseToken(event: TrackerEvent): EventData {
  return event.type === 'task.claimed' ? { ...event.data, leaseToken: HIDDEN } : event.data;
}

/** The page's skeleton; the script fills it with the task's events as text. */
const REPLAY_BODY = `<header>
  <h1 id="title">Loading…</h1>
  <span id="verdict" class="verdict"></span>
</header>
<div class="controls" role="toolbar" aria-label="Replay controls">
  <button id="first" title="First event (Home)" aria-label="First event">«</button>
  <button id="prev" title="Previous event (←)" aria-label="Previous event">◀</button>
  <input id="scrubber" type="range" min="0" max="0" value="0" aria-label="Event">
  <button id="next" title="Next event (→)" aria-label="Next event">▶</button>
  <button id="last" title="Last event (End)" aria-label="Last event">»</button>
  <span id="position" aria-live="polite"></span>
  <button id="reload" title="Reload the events">Reload</button>
</div>
<div id="error" class="error" hidden></div>
<main>
  <ol id="timeline" class="timeline" tabindex="0" aria-label="Events"></ol>
  <section class="detail" aria-live="polite">
    <h2 id="heading">What changed</h2>
    <ul id="changes" class="changes"></ul>
    <details id="raw">
      <summary>The event as recorded (JSON)</summary>
      <pre id="event"></pre>
    </details>
    <details id="whole">
      <summary>The whole task after this event <span class="legend">(changed fields highlighted)</span></summary>
      <div id="state" class="state"></div>
    </details>
  </section>
</main>`;
