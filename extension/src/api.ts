/** What `activate` returns: read by the extension's own tests (and any extension that wants the live model). */
import type { TrackerConnection } from './client/trackerConnection.js';
import type { OptionItem } from './commands/approvals.js';
import type { AgentTree } from './model/agentTree.js';
import type { BudgetWatch } from './model/budgetWatch.js';
import type { HistoryList } from './model/historyList.js';
import type { TaskTree } from './model/taskTree.js';
import type { TrackerModel } from './model/trackerModel.js';
import type { AgentsProvider } from './views/agentsProvider.js';
import type { ShownBudgetNotification } from './views/budgetNotifier.js';
import type { HistoryProvider } from './views/historyProvider.js';
import type { TasksProvider } from './views/tasksProvider.js';
import type { ShownNotification, TaskNotifier } from './views/notifier.js';
import type { TaskFilterState } from './views/taskFilterState.js';
import type { SetupSteps } from './views/setupSteps.js';
import type * as vscode from 'vscode';
import type { ReplayPanel } from './webviews/replay/replayPanel.js';
import type { TaskPagePanel } from './webviews/taskPage/taskPagePanel.js';

export interface AgentTrackerApi {
  readonly model: TrackerModel;
  readonly taskTree: TaskTree;
  readonly agentTree: AgentTree;
  readonly history: HistoryList;
  readonly connection: TrackerConnection;
  readonly filter: TaskFilterState;
  readonly providers: { tasks: TasksProvider; agents: AgentsProvider; history: HistoryProvider };
  readonly onDidShowNotification: vscode.Event<ShownNotification>;
  readonly notifier: TaskNotifier;
  statusBarText(): string;
  /** The status bar item's background theme colour id, if any. */
  statusBarBackground(): string | undefined;
  /** The budgets with their spend, as the status bar shows them. */
  readonly budgets: BudgetWatch;
  /** What Connect Agents… left to the user (trusting Codex's hooks), shown at the top of the Agents view until done. */
  readonly setupSteps: SetupSteps;
  readonly onDidShowBudgetNotification: vscode.Event<ShownBudgetNotification>;
  /** The view container's badge (needs-you + stuck). */
  badge(): vscode.ViewBadge | undefined;
  replayPanel(): ReplayPanel | undefined;
  taskPage(taskId: string): TaskPagePanel | undefined;
  /** The quick pick of an agent's question being answered (Allow on a question), if one is open. */
  questionPicker(): vscode.QuickPick<OptionItem> | undefined;
  /** The folder with the `agent-tracker` launcher that integrated terminals get first on PATH. */
  readonly cliBinDir: string;
  terminalEnvironment(): vscode.GlobalEnvironmentVariableCollection;
}
