/** The shape of the Agents view without `vscode`: agents, each with its open tasks, and what to redraw on a change. */
import { Emitter, type Event } from '../common/emitter.js';
import { Disposable } from '../common/lifecycle.js';
import { isFinished, type Task } from './protocol.js';
import { compareTasks } from './taskTree.js';
import type { ModelChange, TrackerModel } from './trackerModel.js';

export interface AgentTreeChange {
  readonly all: boolean;
  /** Agents whose row, count or task list changed. */
  readonly agents: ReadonlySet<string>;
  /** Task rows (under their agent) that changed in place. */
  readonly items: ReadonlySet<string>;
}

interface Assignment {
  agentId: string;
  active: boolean;
  priority: number;
}

export class AgentTree extends Disposable {
  private readonly assignments = new Map<string, Assignment>();
  private readonly tasksByAgent = new Map<string, Set<string>>();
  private readonly sortedCache = new Map<string, string[]>();
  private rootCache: string[] | undefined;

  private readonly changeEmitter = this.register(new Emitter<AgentTreeChange>());
  readonly onDidChange: Event<AgentTreeChange> = this.changeEmitter.event;

  constructor(private readonly model: TrackerModel) {
    super();
    this.rebuild();
    this.register(model.onDidChange((change) => this.onModelChange(change)));
  }

  roots(): readonly string[] {
    this.rootCache ??= [...this.model.agents()]
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
      .map((a) => a.id);
    return this.rootCache;
  }

  tasksOf(agentId: string): readonly string[] {
    const cached = this.sortedCache.get(agentId);
    if (cached) return cached;
    const tasks: Task[] = [];
    for (const id of this.tasksByAgent.get(agentId) ?? []) {
      const task = this.model.getTask(id);
      if (task) tasks.push(task);
    }
    const sorted = tasks.sort(compareTasks).map((t) => t.id);
    this.sortedCache.set(agentId, sorted);
    return sorted;
  }

  openTaskCount(agentId: string): number {
    return this.tasksByAgent.get(agentId)?.size ?? 0;
  }

  activeTaskCount(agentId: string): number {
    let n = 0;
    for (const id of this.tasksByAgent.get(agentId) ?? []) if (this.assignments.get(id)?.active) n += 1;
    return n;
  }

  private onModelChange(change: ModelChange): void {
    if (change.reset) {
      this.rebuild();
      this.changeEmitter.fire({ all: true, agents: new Set(), items: new Set() });
      return;
    }
    const agents = new Set<string>();
    const items = new Set<string>();
    let all = false;
    for (const agentId of change.agents) {
      if (!this.rootCache?.includes(agentId)) all = true;
      agents.add(agentId);
    }
    if (all) this.rootCache = undefined;
    for (const taskId of change.tasks) this.reassign(taskId, agents, items);
    if (all || agents.size || items.size) this.changeEmitter.fire({ all, agents, items });
  }

  private rebuild(): void {
    this.assignments.clear();
    this.tasksByAgent.clear();
    this.sortedCache.clear();
    this.rootCache = undefined;
    for (const task of this.model.tasks()) this.reassign(task.id, new Set(), new Set());
  }

  private reassign(taskId: string, agents: Set<string>, items: Set<string>): void {
    const before = this.assignments.get(taskId);
    const task = this.model.getTask(taskId);
    const after: Assignment | undefined =
      task?.agentId && !isFinished(task.state) && !task.archived
        ? { agentId: task.agentId, active: task.state === 'active', priority: task.priority }
        : undefined;
    if (before && after && before.agentId === after.agentId && before.priority === after.priority) {
      this.assignments.set(taskId, after);
      // The count of active tasks is on the agent's row.
      if (before.active !== after.active) agents.add(after.agentId);
      else items.add(taskId);
      return;
    }
    if (before) {
      this.assignments.delete(taskId);
      this.tasksByAgent.get(before.agentId)?.delete(taskId);
      this.sortedCache.delete(before.agentId);
      agents.add(before.agentId);
    }
    if (after) {
      this.assignments.set(taskId, after);
      let set = this.tasksByAgent.get(after.agentId);
      if (!set) this.tasksByAgent.set(after.agentId, (set = new Set()));
      set.add(taskId);
      this.sortedCache.delete(after.agentId);
      agents.add(after.agentId);
    }
  }
}
