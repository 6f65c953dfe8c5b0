/** The one table of commands: id -> function. Each takes the context, then whatever VS Code or the caller passes. */
import * as vscode from 'vscode';
import { notificationText } from '../model/plainText.js';
import type { CommandContext } from './commandContext.js';
import { approve, deny } from './approvals.js';
import { cancelTask } from './cancelTask.js';
import { cleanUpHistory } from './cleanUpHistory.js';
import { checkAgentSetup, connectAgents } from './connectAgents.js';
import { copyTaskId } from './copyTaskId.js';
import { clearTaskFilter, filterTasks } from './filterTasks.js';
import { focusTerminal } from './focusTerminal.js';
import { loadMoreHistory } from './loadMoreHistory.js';
import { nextWaiting } from './nextWaiting.js';
import { Cancelled } from './prompts.js';
import { refresh } from './refresh.js';
import { replayTaskEvents } from './replayTaskEvents.js';
import { resetAgent } from './resetAgent.js';
import { resetAllStuckTasks } from './resetAllStuckTasks.js';
import { resetStuckTask } from './resetStuckTask.js';
import { retryTask } from './retryTask.js';
import { runDemo } from './runDemo.js';
import { sendToAgent } from './sendToAgent.js';
import { showDaemonLog } from './showDaemonLog.js';
import { showDashboard } from './showDashboard.js';
import { showTimeline } from './showTimeline.js';
import { showTaskDetails } from './showTaskDetails.js';
import { startDaemon } from './startDaemon.js';
import { stopDaemon } from './stopDaemon.js';
import { describeError } from '../model/protocol.js';

type CommandFn = (ctx: CommandContext, ...args: unknown[]) => unknown;

export const COMMANDS: Readonly<Record<string, CommandFn>> = {
  'agentTracker.refresh': refresh,
  'agentTracker.resetStuckTask': resetStuckTask,
  'agentTracker.resetAllStuckTasks': resetAllStuckTasks,
  'agentTracker.resetAgent': resetAgent,
  'agentTracker.retryTask': retryTask,
  'agentTracker.cancelTask': cancelTask,
  // The Delete key in a tree: keybindings pass no argument, so the selection says which task.
  'agentTracker.cancelSelectedTask': (ctx) => {
    const taskId = ctx.selectedTaskId();
    return taskId ? cancelTask(ctx, taskId) : undefined;
  },
  'agentTracker.replayTaskEvents': replayTaskEvents,
  'agentTracker.showTaskDetails': showTaskDetails,
  'agentTracker.filterTasks': filterTasks,
  'agentTracker.clearFilter': clearTaskFilter,
  'agentTracker.cleanUpHistory': cleanUpHistory,
  'agentTracker.startDaemon': startDaemon,
  'agentTracker.stopDaemon': stopDaemon,
  'agentTracker.showDaemonLog': showDaemonLog,
  'agentTracker.copyTaskId': copyTaskId,
  'agentTracker.loadMoreHistory': loadMoreHistory,
  'agentTracker.connectAgents': connectAgents,
  'agentTracker.checkAgentSetup': checkAgentSetup,
  'agentTracker.showTimeline': showTimeline,
  'agentTracker.showDashboard': showDashboard,
  'agentTracker.focusTerminal': focusTerminal,
  'agentTracker.nextWaiting': nextWaiting,
  'agentTracker.runDemo': runDemo,
  'agentTracker.approve': approve,
  'agentTracker.deny': deny,
  'agentTracker.sendToAgent': sendToAgent,
};

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, fn]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(ctx, ...args);
      } catch (error) {
        if (error instanceof Cancelled) return undefined;
        ctx.logger.error(`${id} failed: ${describeError(error)}`);
        // The daemon's message can quote agent text (an id, a title): never a live link.
        void vscode.window.showErrorMessage(`Agent Tracker: ${notificationText(describeError(error))}`);
        // Returned rather than thrown: VS Code would add a second, less helpful notification for a rejection.
        return undefined;
      }
    }),
  );
}
