/** Filter Tasks: narrows the Tasks view by state, agent, tag or text; given a filter object it applies it directly. */
import * as vscode from 'vscode';
import { valuePickText } from '../model/pickItems.js';
import { TASK_STATES, isFinished, type TaskState } from '../model/protocol.js';
import { TaskFilterSchema, type TaskFilter } from '../model/taskFilter.js';
import type { CommandContext } from './commandContext.js';
import { Cancelled } from './prompts.js';

type Facet = 'state' | 'agentId' | 'tag' | 'q' | 'clear';

export async function filterTasks(ctx: CommandContext, arg?: unknown): Promise<TaskFilter> {
  const given = TaskFilterSchema.safeParse(arg);
  if (arg !== undefined && given.success) {
    await ctx.filter.set(given.data);
    return ctx.filter.current;
  }
  const facet = await vscode.window.showQuickPick<{ label: string; facet: Facet }>(
    [
      { label: '$(symbol-enum) By state…', facet: 'state' },
      { label: '$(person) By agent…', facet: 'agentId' },
      { label: '$(tag) By tag…', facet: 'tag' },
      { label: '$(search) By text…', facet: 'q' },
      { label: '$(clear-all) Clear filter', facet: 'clear' },
    ],
    { placeHolder: 'Filter the Tasks view' },
  );
  if (!facet) throw new Cancelled();
  const next = facet.facet === 'clear' ? {} : { ...ctx.filter.current, ...(await askFacet(ctx, facet.facet)) };
  await ctx.filter.set(next);
  return ctx.filter.current;
}

export async function clearTaskFilter(ctx: CommandContext): Promise<void> {
  await ctx.filter.set({});
}

async function askFacet(ctx: CommandContext, facet: Exclude<Facet, 'clear'>): Promise<TaskFilter> {
  const current = ctx.filter.current;
  if (facet === 'state') {
    const open = TASK_STATES.filter((s) => !isFinished(s));
    const picked = await vscode.window.showQuickPick(
      open.map((state) => ({ label: state, picked: current.state?.includes(state) ?? false, state })),
      { canPickMany: true, placeHolder: 'Show tasks in these states' },
    );
    if (!picked) throw new Cancelled();
    return { state: picked.map((p): TaskState => p.state) };
  }
  if (facet === 'agentId') {
    const agents = new Set([...ctx.model.agents()].map((a) => a.id));
    for (const task of ctx.model.tasks()) if (task.agentId) agents.add(task.agentId);
    const picked = await vscode.window.showQuickPick(textItems([...agents].sort()), { placeHolder: 'Show tasks of this agent' });
    if (!picked) throw new Cancelled();
    return { agentId: picked.value };
  }
  if (facet === 'tag') {
    const tags = new Set<string>();
    for (const task of ctx.model.tasks()) for (const tag of task.tags) tags.add(tag);
    const picked = await vscode.window.showQuickPick(textItems([...tags].sort()), { placeHolder: 'Show tasks with this tag' });
    if (!picked) throw new Cancelled();
    return { tag: picked.value };
  }
  const text = await vscode.window.showInputBox({ prompt: 'Show tasks whose id, title, description, step or type contains', value: current.q });
  if (text === undefined) throw new Cancelled();
  return { q: text.trim() || undefined };
}

/** Agent ids and tags come from agents: shown as text, returned as they are. */
function textItems(values: readonly string[]): (vscode.QuickPickItem & { value: string })[] {
  return values.map((value) => ({ ...valuePickText(value), value }));
}
