/**
 * Show Task Details: the task's page (a click or Enter on a row runs this too). It opens as the preview unless asked
 * for `{ pinned: true }` (a tree menu's own second argument is a list of nodes, never that).
 */
import { z } from 'zod';
import { TaskPagePanel } from '../webviews/taskPage/taskPagePanel.js';
import type { CommandContext } from './commandContext.js';
import { taskIdOf } from './commandArgs.js';
import { pickTask } from './prompts.js';

const OpenOptionsSchema = z.object({ pinned: z.boolean().optional() });

export async function showTaskDetails(ctx: CommandContext, arg?: unknown, options?: unknown): Promise<TaskPagePanel> {
  const taskId = taskIdOf(arg) ?? (await pickTask(ctx, 'Select the task to show', () => true)).id;
  const parsed = OpenOptionsSchema.safeParse(options);
  return TaskPagePanel.createOrShow(ctx, taskId, parsed.success ? parsed.data : {});
}
