/** A parent task's progress as its subtasks make it up: what its row and its page show. No `vscode` here. */
import { counted } from './plainWords.js';
import type { Task } from './protocol.js';

export interface Rollup {
  /** Subtasks that count: every one but those cancelled (work nobody will do is not work left). */
  total: number;
  done: number;
  /** 0-100: a done subtask counts whole, any other its own progress, each subtask alike. */
  progress: number;
}

export function rollupOf(subtasks: readonly Task[]): Rollup | null {
  let total = 0;
  let done = 0;
  let sum = 0;
  for (const sub of subtasks) {
    if (sub.state === 'cancelled') continue;
    total += 1;
    if (sub.state === 'done') done += 1;
    sum += sub.state === 'done' ? 100 : sub.progress;
  }
  return total ? { total, done, progress: Math.floor(sum / total) } : null;
}

/** "60% · 3 of 5 subtasks done" */
export function rollupText(rollup: Rollup): string {
  return `${rollup.progress}% · ${subtasksDoneText(rollup)}`;
}

/** "3 of 5 subtasks done" */
export function subtasksDoneText(rollup: Rollup): string {
  return `${rollup.done} of ${counted(rollup.total, 'subtask')} done`;
}
