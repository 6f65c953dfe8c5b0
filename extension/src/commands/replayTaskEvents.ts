/** Replay Task Events: opens the replay panel on a task's event log. */
import { ReplayPanel } from '../webviews/replay/replayPanel.js';
import type { CommandContext } from './commandContext.js';
import { taskIdOf } from './commandArgs.js';
import { pickTask } from './prompts.js';

export async function replayTaskEvents(ctx: CommandContext, arg?: unknown): Promise<ReplayPanel> {
  const client = ctx.connection.requireClient();
  const taskId = taskIdOf(arg) ?? (await pickTask(ctx, 'Select the task to replay', () => true)).id;
  return ReplayPanel.createOrShow(ctx.extensionUri, client, taskId, ctx.logger, ctx.model);
}
