/** What every command may use: built once in `activate` and handed to each command by the registration table. */
import type * as vscode from 'vscode';
import type { DaemonManager } from '../client/daemonManager.js';
import type { TrackerConnection } from '../client/trackerConnection.js';
import type { Logger } from '../common/logger.js';
import type { TrackerSettings } from '../config.js';
import type { AgentTree } from '../model/agentTree.js';
import type { BudgetWatch } from '../model/budgetWatch.js';
import type { HistoryList } from '../model/historyList.js';
import type { OwnActions } from '../model/ownActions.js';
import type { TaskTree } from '../model/taskTree.js';
import type { TrackerModel } from '../model/trackerModel.js';
import type { DaemonLogChannel } from '../views/daemonLogChannel.js';
import type { HistoryProvider } from '../views/historyProvider.js';
import type { SetupSteps } from '../views/setupSteps.js';
import type { TaskFilterState } from '../views/taskFilterState.js';

export interface CommandContext {
  extensionUri: vscode.Uri;
  model: TrackerModel;
  taskTree: TaskTree;
  agentTree: AgentTree;
  budgets: BudgetWatch;
  /** What Connect Agents… left to the user, kept until done. */
  setupSteps: SetupSteps;
  history: HistoryList;
  historyProvider: HistoryProvider;
  connection: TrackerConnection;
  daemon: DaemonManager;
  daemonLog: DaemonLogChannel;
  filter: TaskFilterState;
  logger: Logger;
  settings: () => TrackerSettings;
  /** The task selected in the focused tree view (keyboard shortcuts such as Delete act on it). */
  selectedTaskId: () => string | undefined;
  /** Tasks this window acts on: their consequences raise no notification. */
  ownActions: OwnActions;
  /** What this extension remembers across windows (e.g. that agents were connected). */
  state: vscode.Memento;
}
