/**
 * A task's page: an editor tab titled with the task's title that shows everything about it and follows it live
 * (state, agent, times, progress, what it waits for, usage, errors, related tasks by title, the latest log lines), with
 * the actions that apply. One page per task; opening it again reveals it.
 *
 * Pages open as the preview, as files do: VS Code has no preview tabs for webviews, so one page is the preview and a
 * task opened while it is shows in it, in place of the task it showed. The preview is kept as a page of its own
 * (pinned) when the user opens the same task twice in quick succession (a double-click on its row), acts on it, or
 * presses Keep Open; with `workbench.editor.enablePreview` off every page is kept. A page hidden behind other tabs
 * keeps no context (`retainContextWhenHidden` would hold a renderer per tab): its script redraws the last view from
 * its saved state at once and asks for a fresh one.
 */
import * as vscode from 'vscode';
import { Disposable } from '../../common/lifecycle.js';
import type { Logger } from '../../common/logger.js';
import type { TrackerConnection } from '../../client/trackerConnection.js';
import type { AgentTree } from '../../model/agentTree.js';
import type { HistoryList } from '../../model/historyList.js';
import { plainData } from '../../model/plainText.js';
import { terminalOfAgent } from '../../views/agentTerminal.js';
import { oneLine } from '../../model/plainWords.js';
import type { Task, TrackerEvent } from '../../model/protocol.js';
import { taskPageView, type TaskPageView } from '../../model/taskPageView.js';
import type { TaskTree } from '../../model/taskTree.js';
import type { TrackerModel } from '../../model/trackerModel.js';
import { webviewHtml, webviewOptions } from '../webviewHtml.js';
import { openChanges, openFile, type OpenOutcome } from './fileActions.js';
import { TaskPageInboundSchema, type TaskPageInbound, type TaskPageOutbound } from './taskPageMessages.js';
import { orUndefined, describeError } from '../../model/protocol.js';

export const TASK_PAGE_VIEW_TYPE = 'agentTracker.task';
/** Progress events can come many times a second; a page needs a few redraws a second at most. */
const RENDER_DEBOUNCE_MS = 250;
/** A second open of the task the preview shows within this long is a double-click: the page is kept. */
const DOUBLE_OPEN_MS = 600;
/** A page reads the edits of at most this many subtasks: a turn has a few subagents, not hundreds. */
const MAX_NESTED_READ = 20;
const ACTION_COMMANDS = {
  allow: 'agentTracker.approve',
  deny: 'agentTracker.deny',
  focusTerminal: 'agentTracker.focusTerminal',
  retry: 'agentTracker.retryTask',
  cancel: 'agentTracker.cancelTask',
  reset: 'agentTracker.resetStuckTask',
  replay: 'agentTracker.replayTaskEvents',
} as const;

export interface TaskPageServices {
  extensionUri: vscode.Uri;
  model: TrackerModel;
  taskTree: TaskTree;
  agentTree: AgentTree;
  history: HistoryList;
  connection: TrackerConnection;
  logger: Logger;
}

export interface OpenOptions {
  /** Open as a page of its own rather than in the preview. */
  pinned?: boolean;
}

export class TaskPagePanel extends Disposable {
  private static readonly open = new Map<string, TaskPagePanel>();
  /** The page that the next task opened replaces, if any. */
  private static preview: TaskPagePanel | undefined;
  private events: TrackerEvent[] = [];
  /** The edits logged on the task's subtasks (a turn's subagents). */
  private nestedEdits: TrackerEvent[] = [];
  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  private fetching: Promise<void> | undefined;
  private lastTask: Task | undefined;
  private shownAt = 0;
  private inTerminal = false;
  private lastView: TaskPageView | undefined;

  static get(taskId: string): TaskPagePanel | undefined {
    return TaskPagePanel.open.get(taskId);
  }

  static async createOrShow(services: TaskPageServices, taskId: string, options: OpenOptions = {}): Promise<TaskPagePanel> {
    const pinned = options.pinned === true || !vscode.workspace.getConfiguration('workbench.editor').get<boolean>('enablePreview', true);
    const existing = TaskPagePanel.open.get(taskId);
    if (existing) {
      if (existing.isPreview && (pinned || Date.now() - existing.shownAt < DOUBLE_OPEN_MS)) existing.pin();
      existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Active);
      existing.shownAt = Date.now();
      return existing;
    }
    const task = services.model.getTask(taskId) ?? services.history.getTask(taskId) ?? (await fetchTask(services, taskId));
    const preview = TaskPagePanel.preview;
    if (preview && !pinned && !preview.isDisposed) {
      preview.show(taskId, task);
      preview.panel.reveal(preview.panel.viewColumn ?? vscode.ViewColumn.Active);
      return preview;
    }
    const panel = vscode.window.createWebviewPanel(TASK_PAGE_VIEW_TYPE, tabTitle(task?.title ?? taskId), vscode.ViewColumn.Active, webviewOptions(services.extensionUri));
    const page = new TaskPagePanel(panel, services, taskId, task);
    TaskPagePanel.open.set(taskId, page);
    if (!pinned) TaskPagePanel.preview = page;
    return page;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: TaskPageServices,
    private shownTaskId: string,
    task: Task | undefined,
  ) {
    super();
    this.lastTask = task;
    this.shownAt = Date.now();
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'agent-tracker.svg');
    panel.webview.html = webviewHtml(panel.webview, services.extensionUri, {
      heading: 'Task',
      script: 'taskPage.js',
      style: 'taskPage.css',
      body: '<main id="page" aria-live="polite"><p>Loading…</p></main>',
    });
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)));
    this.register(
      services.model.onDidChange((change) => {
        if (change.reset || change.tasks.has(this.taskId) || this.refersToAny(change.tasks)) this.schedule();
      }),
    );
    // Focus Terminal is offered while the agent's terminal is open in this window.
    this.register(vscode.window.onDidOpenTerminal(() => this.schedule()));
    this.register(vscode.window.onDidCloseTerminal(() => this.schedule()));
    this.register({ dispose: () => clearTimeout(this.timer) });
    void this.fetchEvents();
  }

  /** The task this page shows (the preview shows another when one is opened). */
  get taskId(): string {
    return this.shownTaskId;
  }

  /** Whether the next task opened replaces this page. */
  get isPreview(): boolean {
    return TaskPagePanel.preview === this;
  }

  /** The last view sent to the page. */
  get view(): TaskPageView | undefined {
    return this.lastView;
  }

  /** Opens a file the page lists (the turn's edits): the file, or its changes against git HEAD. */
  openListedFile(index: number, changes: boolean): Promise<OpenOutcome> {
    const file = this.lastView?.files[index];
    if (!file) return Promise.resolve('none');
    return changes ? openChanges(file.path) : openFile(file.path);
  }

  /** Opens the turn's transcript, when the page names one. */
  openTranscript(): Promise<OpenOutcome> {
    const path = this.lastView?.transcript;
    return path ? openFile(path) : Promise.resolve('none');
  }

  /** Keeps the page: the next task opened gets a page of its own. */
  pin(): void {
    if (TaskPagePanel.preview !== this) return;
    TaskPagePanel.preview = undefined;
    this.render();
  }

  override dispose(): void {
    if (TaskPagePanel.open.get(this.taskId) === this) TaskPagePanel.open.delete(this.taskId);
    if (TaskPagePanel.preview === this) TaskPagePanel.preview = undefined;
    super.dispose();
    this.panel.dispose();
  }

  /** The preview turns to another task. */
  private show(taskId: string, task: Task | undefined): void {
    if (TaskPagePanel.open.get(this.taskId) === this) TaskPagePanel.open.delete(this.taskId);
    this.shownTaskId = taskId;
    TaskPagePanel.open.set(taskId, this);
    this.lastTask = task;
    this.events = [];
    this.nestedEdits = [];
    this.inTerminal = false;
    this.shownAt = Date.now();
    this.panel.title = tabTitle(task?.title ?? taskId);
    this.render();
    void this.fetchEvents();
  }

  private refersToAny(ids: ReadonlySet<string>): boolean {
    const task = this.currentTask();
    if (!task) return false;
    if (task.parentId && ids.has(task.parentId)) return true;
    const { taskTree } = this.services;
    return task.dependsOn.some((d) => ids.has(d.taskId)) || [...taskTree.subtasksOf(task.id), ...taskTree.dependentsOf(task.id)].some((id) => ids.has(id));
  }

  /** The task's subtasks, theirs and so on (subagents nest a few deep), as many as a page reads the edits of. */
  private descendants(taskId: string): string[] {
    const out: string[] = [];
    const queue = [...this.services.taskTree.subtasksOf(taskId)];
    while (queue.length && out.length < MAX_NESTED_READ) {
      const id = queue.shift() as string;
      out.push(id);
      queue.push(...this.services.taskTree.subtasksOf(id));
    }
    return out;
  }

  private currentTask(): Task | undefined {
    const task = this.services.model.getTask(this.taskId) ?? this.services.history.getTask(this.taskId);
    if (task) this.lastTask = task;
    return this.lastTask;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fetchEvents(), RENDER_DEBOUNCE_MS);
  }

  /**
   * The log lines live in events, which the model does not keep: read them again when the task changes (and look for
   * the agent's terminal, which only a walk of the process tree finds).
   */
  private fetchEvents(): Promise<void> {
    this.fetching ??= (async () => {
      const taskId = this.taskId;
      const read = async (id: string): Promise<TrackerEvent[]> => {
        try {
          return await this.services.connection.currentClient().allTaskEvents(id);
        } catch (error) {
          this.services.logger.warn(`events of ${id}: ${describeError(error)}`);
          return [];
        }
      };
      // A turn's subagents edit files too: their edits are the turn's (only those events are kept).
      const [events, ...nested] = await Promise.all([read(taskId), ...this.descendants(taskId).map(read)]);
      // The preview may have turned to another task meanwhile.
      if (taskId === this.taskId) {
        this.events = events ?? [];
        this.nestedEdits = nested.flat().filter((e) => e.type === 'task.log' && e.data.files?.length);
      }
      const agentId = this.currentTask()?.agentId;
      this.inTerminal = agentId ? (await orUndefined(terminalOfAgent(this.services.model.getAgent(agentId)))) !== undefined : false;
      this.fetching = undefined;
      this.render();
      if (taskId !== this.taskId) void this.fetchEvents();
    })();
    return this.fetching;
  }

  private render(): void {
    if (!this.ready || this.isDisposed) return;
    const task = this.currentTask();
    if (!task) {
      void this.post({ type: 'missing', taskId: this.taskId });
      return;
    }
    const { model, taskTree, agentTree, history } = this.services;
    const view = taskPageView(
      task,
      {
        task: (id) => model.getTask(id) ?? history.getTask(id),
        agent: (id) => model.getAgent(id),
        agents: agentTree,
        subtasksOf: (id) => taskTree.subtasksOf(id).flatMap((sub) => model.getTask(sub) ?? history.getTask(sub) ?? []),
        dependentsOf: (id) => taskTree.dependentsOf(id).flatMap((other) => model.getTask(other) ?? history.getTask(other) ?? []),
        inTerminal: () => this.inTerminal,
      },
      this.events,
      this.nestedEdits,
    );
    this.panel.title = tabTitle(task.title);
    this.lastView = plainData(view);
    void this.post({ type: 'render', view, preview: this.isPreview });
  }

  private onMessage(raw: unknown): void {
    const parsed = TaskPageInboundSchema.safeParse(raw);
    if (!parsed.success) {
      this.services.logger.warn(`ignored a malformed message from a task page: ${parsed.error.message}`);
      return;
    }
    this.handle(parsed.data);
  }

  private handle(message: TaskPageInbound): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.render();
        break;
      case 'action':
        // Acting on a page is working with it, as editing a file is: it is kept.
        this.pin();
        void vscode.commands.executeCommand(ACTION_COMMANDS[message.action], this.taskId);
        break;
      case 'pin':
        this.pin();
        break;
      case 'openFile':
        void this.openListedFile(message.index, message.changes);
        break;
      case 'openTranscript':
        void this.openTranscript();
        break;
      case 'open':
        void vscode.commands.executeCommand('agentTracker.showTaskDetails', message.taskId);
        break;
    }
  }

  private post(message: TaskPageOutbound): Thenable<boolean> {
    return this.panel.webview.postMessage(plainData(message));
  }
}

/** Tab titles are short; the page itself shows the whole title. */
export function tabTitle(title: string): string {
  return oneLine(title, 60) || 'Task';
}

async function fetchTask(services: TaskPageServices, id: string): Promise<Task | undefined> {
  try {
    return await services.connection.currentClient().getTask(id);
  } catch {
    return undefined;
  }
}
