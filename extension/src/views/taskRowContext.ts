/** What a task row needs besides the task: titles of related tasks, the agent's name, flags the trees work out. */
import { agentLabel } from '../model/plainWords.js';
import { rollupOf } from '../model/rollup.js';
import type { Task } from '../model/protocol.js';
import type { TaskTree } from '../model/taskTree.js';
import type { TrackerModel } from '../model/trackerModel.js';
import type { TaskRowContext, TaskView } from './nodes/taskNode.js';

export interface RowSources {
  model: TrackerModel;
  taskTree: TaskTree;
  stuckAfterSeconds: () => number;
  /** Titles of tasks no longer in the live model (finished ones the History holds). */
  titleOf?: (taskId: string) => string | undefined;
}

export function taskRowContext(task: Task, view: TaskView, hasChildren: boolean, src: RowSources): TaskRowContext {
  const title = (id: string): string => src.model.getTask(id)?.title ?? src.titleOf?.(id) ?? 'a task not known here';
  const blockers = view === 'history' ? [] : src.taskTree.blockers(task);
  return {
    view,
    hasChildren,
    blockerTitles: blockers.map(title),
    dependencies: task.dependsOn.map((d) => ({ title: title(d.taskId), done: !blockers.includes(d.taskId) })),
    parentTitle: task.parentId ? title(task.parentId) : undefined,
    rollup: view !== 'tasks' ? null : rollupOf(src.taskTree.subtasksOf(task.id).flatMap((id) => src.model.getTask(id) ?? [])),
    agentName: agentLabel(task.agentId, (id) => src.model.getAgent(id)),
    twin: view !== 'history' && src.taskTree.hasTwin(task.id),
    possiblyStuck: view !== 'history' && src.taskTree.isPossiblyStuck(task),
    now: Date.now(),
    stuckAfterSeconds: src.stuckAfterSeconds(),
  };
}
