/** Show Task Details: the task's page (a click or Enter on a row runs this too). */
import { TaskPagePanel } from '../webviews/taskPage/taskPagePanel.js';
import type { CommandContext } from './commandContext.js';
import { taskIdOf } from './commandArgs.js';
import { pickTask } from './prompts.js';

export async function showTaskDetails(ctx: CommandContext, arg?: unknown): Promise<TaskPagePanel> {
  const taskId = taskIdOf(arg) ?? (await pickTask(ctx, 'Select the task to show', () => true)).id;
  return TaskPagePanel.createOrShow(ctx, taskId);
}
