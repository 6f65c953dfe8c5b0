/** Activation: builds the services and views, registers every command, and hands each disposable to VS Code. */
import * as vscode from 'vscode';
import type { AgentTrackerApi } from './api.js';
import { locateDaemon } from '#client';
import { putCliOnPath } from './client/cliOnPath.js';
import { DaemonManager } from './client/daemonManager.js';
import { TrackerConnection } from './client/trackerConnection.js';
import type { CommandContext } from './commands/commandContext.js';
import { questionPicker } from './commands/approvals.js';
import { AGENTS_CONNECTED_KEY, hookStatus } from './commands/connectAgents.js';
import { registerCommands } from './commands/registerCommands.js';
import { createOutputLogger } from './common/outputLogger.js';
import { daemonLocation, readSettings, watchSettings } from './config.js';
import { registerMcpServerProvider } from './mcp/mcpServerProvider.js';
import { AgentTree } from './model/agentTree.js';
import { BudgetWatch } from './model/budgetWatch.js';
import { HistoryList } from './model/historyList.js';
import { TaskTree } from './model/taskTree.js';
import { OwnActions } from './model/ownActions.js';
import { TrackerModel } from './model/trackerModel.js';
import { AgentsProvider } from './views/agentsProvider.js';
import { AttentionBadge } from './views/attentionBadge.js';
import { BudgetNotifier } from './views/budgetNotifier.js';
import { ConnectionMessages } from './views/connectionMessages.js';
import { ConnectionContextKeys } from './views/contextKeys.js';
import { DaemonLogChannel } from './views/daemonLogChannel.js';
import { HistoryProvider } from './views/historyProvider.js';
import { TaskNotifier } from './views/notifier.js';
import { PeriodicRefresh } from './views/periodicRefresh.js';
import { SetupSteps } from './views/setupSteps.js';
import { TrackerStatusBar } from './views/statusBar.js';
import { TaskFilterState } from './views/taskFilterState.js';
import { TasksProvider } from './views/tasksProvider.js';
import { ReplayPanel } from './webviews/replay/replayPanel.js';
import { TaskPagePanel } from './webviews/taskPage/taskPagePanel.js';
import { describeError } from './model/protocol.js';

export function activate(context: vscode.ExtensionContext): AgentTrackerApi {
  const push = <T extends vscode.Disposable>(d: T): T => (context.subscriptions.push(d), d);
  const logger = push(createOutputLogger('Agent Tracker'));
  const settings = readSettings;
  const stuckAfterSeconds = (): number => settings().stuckAfterSeconds;

  const model = push(new TrackerModel());
  const taskTree = push(new TaskTree(model, { stuckAfterMs: stuckAfterSeconds() * 1000 }));
  const agentTree = push(new AgentTree(model));
  const bundlePath = vscode.Uri.joinPath(context.extensionUri, 'out', 'bundle', 'agent-tracker.cjs').fsPath;
  const daemon = new DaemonManager(bundlePath, settings, logger);
  const cliBinDir = putCliOnPath(context, bundlePath, settings().chosenHome);
  const connection = push(
    new TrackerConnection({ model, logger, locate: () => locateDaemon(daemonLocation(settings())), onUnreachable: (l) => daemon.onUnreachable(l) }),
  );
  const history = push(new HistoryList(model, (offset, limit) => connection.currentClient().history({ offset, limit })));

  const tasks = push(new TasksProvider(model, taskTree, stuckAfterSeconds));
  const setupSteps = push(new SetupSteps(context.globalState, () => hookStatus({ daemon, settings }), model, (m) => logger.debug(m)));
  const agents = push(new AgentsProvider(model, agentTree, taskTree, stuckAfterSeconds, setupSteps));
  const historyProvider = push(new HistoryProvider(model, history, taskTree));
  const filter = push(new TaskFilterState(taskTree, model));
  const tasksView = push(vscode.window.createTreeView('agentTracker.tasks', { treeDataProvider: tasks, showCollapseAll: true }));
  filter.attach(tasksView);
  const agentsView = push(vscode.window.createTreeView('agentTracker.agents', { treeDataProvider: agents, showCollapseAll: true }));
  const historyView = push(vscode.window.createTreeView('agentTracker.history', { treeDataProvider: historyProvider, showCollapseAll: true }));
  push(new AttentionBadge(tasksView, taskTree, model));
  push(new ConnectionMessages([agentsView, historyView], model));
  const budgets = push(new BudgetWatch(model, async () => (await connection.requireClient().listBudgets()).items, { log: (m) => logger.debug(m) }));
  const statusBar = push(new TrackerStatusBar(model, taskTree, budgets));
  const ownActions = new OwnActions();
  const notifier = push(new TaskNotifier(model, () => settings().notifications, ownActions));
  // A daemon that answered in this window and is gone, not stopped by the user, crashed or was killed: say so once.
  daemon.onAutoStarted = (pid) => {
    if (!model.hasSnapshot) return;
    logger.warn(`the daemon had stopped; started a new one (pid ${pid})`);
    notifier.daemonRestarted();
  };
  push(new vscode.Disposable(() => (daemon.onAutoStarted = undefined)));
  const budgetNotifier = push(new BudgetNotifier(budgets, () => settings().notifications));
  push(new ConnectionContextKeys(model));
  const daemonLog = push(new DaemonLogChannel());
  push(new PeriodicRefresh(10_000, () => taskTree.tick()));
  push(new PeriodicRefresh(15_000, () => agents.refreshAgents()));
  // Heartbeats renew "last seen" without an event: read the agent list now and then.
  push(
    new PeriodicRefresh(10_000, () => {
      if (model.connection.kind !== 'connected') return;
      connection.currentClient().listAgents().then((page) => model.mergeAgents(page.items), (error: unknown) => logger.debug(`agent poll: ${describeError(error)}`));
    }),
  );
  const selectedTaskId = (): string | undefined => {
    for (const view of [tasksView, agentsView, historyView] as vscode.TreeView<{ kind: string; taskId?: string }>[]) {
      if (!view.visible) continue;
      const node = view.selection[0];
      if (node?.kind === 'task' && node.taskId) return node.taskId;
    }
    return undefined;
  };
  push(
    watchSettings({
      onLocationChanged: () => {
        putCliOnPath(context, bundlePath, settings().chosenHome);
        model.clear();
        connection.restart(true);
      },
      onStuckAfterChanged: (seconds) => taskTree.setStuckAfter(seconds * 1000),
    }),
  );

  const ctx: CommandContext = {
    extensionUri: context.extensionUri,
    model,
    taskTree,
    agentTree,
    budgets,
    setupSteps,
    history,
    historyProvider,
    connection,
    daemon,
    daemonLog,
    filter,
    logger,
    settings,
    selectedTaskId,
    ownActions,
    state: context.globalState,
  };
  void vscode.commands.executeCommand('setContext', 'agentTracker.agentsConnected', context.globalState.get<boolean>(AGENTS_CONNECTED_KEY, false));
  for (const command of registerCommands(ctx)) push(command);

  for (const disposable of registerMcpServerProvider(bundlePath, settings, String((context.extension.packageJSON as { version?: unknown }).version))) push(disposable);

  connection.start();
  return {
    model,
    taskTree,
    agentTree,
    history,
    connection,
    filter,
    providers: { tasks, agents, history: historyProvider },
    onDidShowNotification: notifier.onDidShow,
    notifier,
    statusBarText: () => statusBar.text,
    statusBarBackground: () => statusBar.background,
    budgets,
    setupSteps,
    onDidShowBudgetNotification: budgetNotifier.onDidShow,
    badge: () => tasksView.badge,
    replayPanel: () => ReplayPanel.active,
    taskPage: (taskId) => TaskPagePanel.get(taskId),
    questionPicker,
    cliBinDir,
    terminalEnvironment: () => context.environmentVariableCollection,
  };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; the daemon is left running on purpose (it serves every window and agent).
}

export type { AgentTrackerApi };
