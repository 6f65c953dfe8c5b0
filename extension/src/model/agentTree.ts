/**
 * The shape of the Agents view without `vscode`: agents (grouped by host when there are several), each with its open
 * tasks, the status their work gives them, and what to redraw on a change.
 */
import { Emitter, type Event } from '../common/emitter.js';
import { Disposable } from '../common/lifecycle.js';
import { addWork, agentStatus, isFinished, type Agent, type AgentStatusValue, type TaskState, type WorkStatus } from './protocol.js';
import { SortedIds, sortKeyOf, type SortKey } from './sortedIds.js';
import type { ModelChange, TrackerModel } from './trackerModel.js';

export interface AgentTreeChange {
  readonly all: boolean;
  /** Agents whose row may have changed. */
  readonly agents: ReadonlySet<string>;
  /** Agents whose list of tasks changed (redraw with children). */
  readonly lists: ReadonlySet<string>;
  /** Task rows (under their agent) that changed in place. */
  readonly items: ReadonlySet<string>;
}

interface Assignment {
  agentId: string;
  state: TaskState;
  key: SortKey;
}

/** Agents without a host in their meta share this group when agents of several hosts are shown. */
export const UNKNOWN_HOST = '';

export class AgentTree extends Disposable {
  private readonly assignments = new Map<string, Assignment>();
  private readonly tasksByAgent = new Map<string, SortedIds>();
  /** While rebuilding: each agent's tasks, sorted once at the end. */
  private bulk: Map<string, SortKey[]> | undefined;
  private rootCache: string[] | undefined;
  private hostCache: Map<string, string[]> | undefined;

  private readonly changeEmitter = this.register(new Emitter<AgentTreeChange>());
  readonly onDidChange: Event<AgentTreeChange> = this.changeEmitter.event;

  constructor(private readonly model: TrackerModel) {
    super();
    this.rebuild();
    this.register(model.onDidChange((change) => this.onModelChange(change)));
    // Disconnected, every agent is shown offline; connected again, as its work says.
    this.register(model.onDidChangeConnection(() => this.changeEmitter.fire({ all: false, agents: new Set(this.roots()), lists: new Set(), items: new Set() })));
  }

  roots(): readonly string[] {
    this.rootCache ??= [...this.model.agents()].sort(compareAgents).map((a) => a.id);
    return this.rootCache;
  }

  /** The hosts, in name order, when agents of more than one host are known (team mode); otherwise undefined. */
  hosts(): readonly string[] | undefined {
    const byHost = this.byHost();
    return byHost.size > 1 ? [...byHost.keys()].sort((a, b) => (a === UNKNOWN_HOST ? 1 : b === UNKNOWN_HOST ? -1 : a.localeCompare(b))) : undefined;
  }

  agentsOfHost(host: string): readonly string[] {
    return this.byHost().get(host) ?? [];
  }

  hostOf(agentId: string): string {
    return hostOf(this.model.getAgent(agentId));
  }

  tasksOf(agentId: string): readonly string[] {
    return this.tasksByAgent.get(agentId)?.ids() ?? [];
  }

  openTaskCount(agentId: string): number {
    return this.tasksByAgent.get(agentId)?.size ?? 0;
  }

  activeTaskCount(agentId: string): number {
    let n = 0;
    for (const id of this.tasksOf(agentId)) if (this.assignments.get(id)?.state === 'active') n += 1;
    return n;
  }

  /**
   * The status the daemon would give the agent now: offline once it timed out (or while the daemon is unreachable, when
   * nothing can be known), busy while it holds assigned or active work, online while its work waits (paused, review),
   * idle otherwise. The stream carries no event when work starts or ends on another task, so it is derived here.
   */
  statusOf(agentId: string): AgentStatusValue {
    const agent = this.model.getAgent(agentId);
    if (!agent || this.model.connection.kind !== 'connected') return 'offline';
    let work: WorkStatus = 'idle';
    for (const id of this.tasksOf(agentId)) {
      const state = this.assignments.get(id)?.state;
      if (state) work = addWork(work, state);
    }
    return agentStatus(agent.status, work);
  }

  /** The step of the agent's foremost active task: what it is doing right now. */
  currentStep(agentId: string): string | undefined {
    for (const id of this.tasksOf(agentId)) {
      const task = this.model.getTask(id);
      if (task?.state === 'active' && task.step) return task.step;
    }
    return undefined;
  }

  private listOf(agentId: string): SortedIds {
    let ids = this.tasksByAgent.get(agentId);
    if (!ids) this.tasksByAgent.set(agentId, (ids = new SortedIds()));
    return ids;
  }

  private byHost(): Map<string, string[]> {
    if (!this.hostCache) {
      this.hostCache = new Map();
      for (const id of this.roots()) {
        const host = hostOf(this.model.getAgent(id));
        let list = this.hostCache.get(host);
        if (!list) this.hostCache.set(host, (list = []));
        list.push(id);
      }
    }
    return this.hostCache;
  }

  private onModelChange(change: ModelChange): void {
    if (change.reset) {
      this.rebuild();
      this.changeEmitter.fire({ all: true, agents: new Set(), lists: new Set(), items: new Set() });
      return;
    }
    const agents = new Set<string>();
    const lists = new Set<string>();
    const items = new Set<string>();
    let all = false;
    for (const agentId of change.agents) {
      const host = this.hostCache ? hostOf(this.model.getAgent(agentId)) : undefined;
      if (!this.rootCache?.includes(agentId) || (host !== undefined && !this.hostCache?.get(host)?.includes(agentId))) all = true;
      agents.add(agentId);
    }
    if (all) {
      this.rootCache = undefined;
      this.hostCache = undefined;
    }
    for (const taskId of change.tasks) this.reassign(taskId, agents, lists, items);
    if (all || agents.size || items.size) this.changeEmitter.fire({ all, agents, lists, items });
  }

  private rebuild(): void {
    this.assignments.clear();
    this.tasksByAgent.clear();
    this.rootCache = undefined;
    this.hostCache = undefined;
    this.bulk = new Map();
    try {
      for (const task of this.model.tasks()) this.reassign(task.id, new Set(), new Set(), new Set());
      for (const [agentId, keys] of this.bulk) this.listOf(agentId).reset(keys);
    } finally {
      this.bulk = undefined;
    }
  }

  private reassign(taskId: string, agents: Set<string>, lists: Set<string>, items: Set<string>): void {
    const before = this.assignments.get(taskId);
    const task = this.model.getTask(taskId);
    const after: Assignment | undefined =
      task?.agentId && !isFinished(task.state) && !task.archived
        ? { agentId: task.agentId, state: task.state, key: sortKeyOf(task) }
        : undefined;
    if (before && after && before.agentId === after.agentId && before.key.priority === after.key.priority) {
      this.assignments.set(taskId, after);
      items.add(taskId);
      // The agent's row shows its status, active count and current step, which any change of its task may move.
      agents.add(after.agentId);
      return;
    }
    if (before) {
      this.assignments.delete(taskId);
      this.tasksByAgent.get(before.agentId)?.delete(taskId);
      agents.add(before.agentId);
      lists.add(before.agentId);
    }
    if (after) {
      this.assignments.set(taskId, after);
      if (this.bulk) {
        let keys = this.bulk.get(after.agentId);
        if (!keys) this.bulk.set(after.agentId, (keys = []));
        keys.push(after.key);
      } else {
        this.listOf(after.agentId).add(after.key);
      }
      agents.add(after.agentId);
      lists.add(after.agentId);
    }
  }
}

function compareAgents(a: Agent, b: Agent): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

function hostOf(agent: Agent | undefined): string {
  const host = agent?.meta.host;
  return typeof host === 'string' && host ? host : UNKNOWN_HOST;
}
