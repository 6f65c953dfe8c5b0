/**
 * A task's page: an editor tab titled with the task's title that shows everything about it and follows it live
 * (state, agent, times, progress, what it waits for, usage, errors, related tasks by title, the latest log lines), with
 * the actions that apply. One page per task; opening it again reveals it.
 */
import * as vscode from 'vscode';
import { Disposable } from '../../common/lifecycle.js';
import { errorMessage, type Logger } from '../../common/logger.js';
import type { TrackerConnection } from '../../client/trackerConnection.js';
import type { AgentTree } from '../../model/agentTree.js';
import type { HistoryList } from '../../model/historyList.js';
import { plainData } from '../../model/plainText.js';
import { oneLine } from '../../model/plainWords.js';
import type { Task, TrackerEvent } from '../../model/protocol.js';
import { taskPageView } from '../../model/taskPageView.js';
import type { TaskTree } from '../../model/taskTree.js';
import type { TrackerModel } from '../../model/trackerModel.js';
import { webviewHtml, webviewOptions } from '../webviewHtml.js';
import { TaskPageInboundSchema, type TaskPageInbound, type TaskPageOutbound } from './taskPageMessages.js';

export const TASK_PAGE_VIEW_TYPE = 'agentTracker.task';
/** Progress events can come many times a second; a page needs a few redraws a second at most. */
const RENDER_DEBOUNCE_MS = 250;
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

export class TaskPagePanel extends Disposable {
  private static readonly open = new Map<string, TaskPagePanel>();
  private events: TrackerEvent[] = [];
  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  private fetching: Promise<void> | undefined;
  private lastTask: Task | undefined;

  static get(taskId: string): TaskPagePanel | undefined {
    return TaskPagePanel.open.get(taskId);
  }

  static async createOrShow(services: TaskPageServices, taskId: string): Promise<TaskPagePanel> {
    const existing = TaskPagePanel.open.get(taskId);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Active);
      return existing;
    }
    const task = services.model.getTask(taskId) ?? services.history.getTask(taskId) ?? (await fetchTask(services, taskId));
    const panel = vscode.window.createWebviewPanel(TASK_PAGE_VIEW_TYPE, tabTitle(task?.title ?? taskId), vscode.ViewColumn.Active, webviewOptions(services.extensionUri));
    const page = new TaskPagePanel(panel, services, taskId, task);
    TaskPagePanel.open.set(taskId, page);
    return page;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: TaskPageServices,
    readonly taskId: string,
    task: Task | undefined,
  ) {
    super();
    this.lastTask = task;
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
        if (change.reset || change.tasks.has(taskId) || this.refersToAny(change.tasks)) this.schedule();
      }),
    );
    this.register({ dispose: () => clearTimeout(this.timer) });
    void this.fetchEvents();
  }

  override dispose(): void {
    if (TaskPagePanel.open.get(this.taskId) === this) TaskPagePanel.open.delete(this.taskId);
    super.dispose();
    this.panel.dispose();
  }

  private refersToAny(ids: ReadonlySet<string>): boolean {
    const task = this.currentTask();
    if (!task) return false;
    if (task.parentId && ids.has(task.parentId)) return true;
    return task.dependsOn.some((d) => ids.has(d.taskId)) || this.services.taskTree.subtasksOf(task.id).some((id) => ids.has(id));
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

  /** The log lines live in events, which the model does not keep: read them again when the task changes. */
  private fetchEvents(): Promise<void> {
    this.fetching ??= (async () => {
      try {
        this.events = await this.services.connection.currentClient().allTaskEvents(this.taskId);
      } catch (error) {
        this.services.logger.warn(`events of ${this.taskId}: ${errorMessage(error)}`);
      } finally {
        this.fetching = undefined;
      }
      this.render();
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
        agentStatus: (id) => agentTree.statusOf(id),
        subtasksOf: (id) => taskTree.subtasksOf(id).flatMap((sub) => model.getTask(sub) ?? []),
      },
      this.events,
    );
    this.panel.title = tabTitle(task.title);
    void this.post({ type: 'render', view });
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
        void vscode.commands.executeCommand(ACTION_COMMANDS[message.action], this.taskId);
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
