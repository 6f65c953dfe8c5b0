/**
 * The shape of the Agents view without `vscode`: agents (grouped by host when there are several), each with its open
 * tasks, the status their work gives them, and what to redraw on a change.
 */
import { Emitter, type Event } from '../common/emitter.js';
import { Disposable } from '../common/lifecycle.js';
import { plainText } from './plainText.js';
import { folderName, needsInputOf } from './plainWords.js';
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
  /** Paused waiting for the user (the daemon pauses a task while it waits). */
  needs: boolean;
}

/** How many of an agent's open tasks are in each state, and how many wait for the user: its status without a walk. */
interface Tally {
  states: Map<TaskState, number>;
  needs: number;
}

/** Agents without a host in their meta share this group when agents of several hosts are shown. */
export const UNKNOWN_HOST = '';

/** What an agent row says first: an agent one of whose tasks waits for the user "needs you". */
export type AgentRowStatus = AgentStatusValue | 'needs you';

/** The order of the Agents view: what needs the user, then work, then the quiet ones. */
const STATUS_RANK: Readonly<Record<AgentRowStatus, number>> = { 'needs you': 0, busy: 1, online: 2, idle: 3, offline: 4 };

/** A row of a list of agents: a live (or recently seen) agent, or the ended sessions of one folder folded into one. */
export type AgentEntry = { kind: 'agent'; agentId: string } | { kind: 'ended'; host: string; folder: string; agentIds: readonly string[] };

export class AgentTree extends Disposable {
  private readonly assignments = new Map<string, Assignment>();
  private readonly tasksByAgent = new Map<string, SortedIds>();
  /** Kept with `assignments`, so an agent's status costs a few lookups however many tasks it holds. */
  private readonly tallies = new Map<string, Tally>();
  /** While rebuilding: each agent's tasks, sorted once at the end. */
  private bulk: Map<string, SortKey[]> | undefined;
  private rootCache: string[] | undefined;
  private hostCache: Map<string, string[]> | undefined;
  /** Each agent's place in the order when the roots were last sorted: a change of status re-sorts. */
  private readonly ranks = new Map<string, number>();

  private readonly changeEmitter = this.register(new Emitter<AgentTreeChange>());
  readonly onDidChange: Event<AgentTreeChange> = this.changeEmitter.event;

  constructor(private readonly model: TrackerModel) {
    super();
    this.rebuild();
    this.register(model.onDidChange((change) => this.onModelChange(change)));
    // Disconnected, every agent is shown offline; connected again, as its work says.
    this.register(
      model.onDidChangeConnection(() => {
        this.invalidateOrder();
        this.changeEmitter.fire({ all: true, agents: new Set(), lists: new Set(), items: new Set() });
      }),
    );
  }

  /** Every agent, needs you › busy › online › idle › offline, then by name. */
  roots(): readonly string[] {
    if (!this.rootCache) {
      this.rankAll();
      const rank = (a: Agent): number => this.ranks.get(a.id) ?? 4;
      this.rootCache = [...this.model.agents()].sort((a, b) => rank(a) - rank(b) || compareAgents(a, b)).map((a) => a.id);
    }
    return this.rootCache;
  }

  /**
   * The rows of a list of agents (all of them, or one host's): sessions that ended (offline, holding no open task) are
   * folded into one row per folder after the others; every session adds an agent, and most end.
   */
  entries(host?: string): AgentEntry[] {
    const ids = host === undefined ? this.roots() : this.agentsOfHost(host);
    const out: AgentEntry[] = [];
    const ended = new Map<string, string[]>();
    for (const id of ids) {
      if (!this.isEnded(id)) {
        out.push({ kind: 'agent', agentId: id });
        continue;
      }
      const folder = workspaceFolder(this.model.getAgent(id)) ?? '';
      let list = ended.get(folder);
      if (!list) ended.set(folder, (list = []));
      list.push(id);
    }
    const folders = [...ended.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
    for (const folder of folders) out.push({ kind: 'ended', host: host ?? '', folder, agentIds: ended.get(folder) ?? [] });
    return out;
  }

  /** A session that ended: the daemon marked it offline and it holds no open task. */
  isEnded(agentId: string): boolean {
    return this.model.getAgent(agentId)?.status === 'offline' && this.openTaskCount(agentId) === 0;
  }

  /** The status a row shows: "needs you" while one of its tasks waits for the user, otherwise `statusOf`. */
  rowStatusOf(agentId: string): AgentRowStatus {
    const status = this.statusOf(agentId);
    if (status === 'offline') return status;
    return (this.tallies.get(agentId)?.needs ?? 0) > 0 ? 'needs you' : status;
  }

  /** Every agent's rank from its tally: one step per agent, not per open task. */
  private rankAll(): void {
    this.ranks.clear();
    for (const agent of this.model.agents()) this.ranks.set(agent.id, STATUS_RANK[this.rowStatusOf(agent.id)]);
  }

  /** The agents one of whose tasks waits for the user, in the view's order. */
  waitingAgents(): string[] {
    return this.roots().filter((id) => this.rowStatusOf(id) === 'needs you');
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
    return this.tallies.get(agentId)?.states.get('active') ?? 0;
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
    for (const [state, n] of this.tallies.get(agentId)?.states ?? []) if (n > 0) work = addWork(work, state);
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
    for (const taskId of change.tasks) this.reassign(taskId, agents, lists, items);
    // A status that moved an agent in the order, or in or out of the ended sessions, changes the list itself.
    if (this.rootCache) {
      for (const agentId of agents) {
        if (this.ranks.get(agentId) !== STATUS_RANK[this.rowStatusOf(agentId)] || this.isEnded(agentId) !== this.endedBefore(agentId)) all = true;
      }
    }
    if (all) this.invalidateOrder();
    if (all || agents.size || items.size) this.changeEmitter.fire({ all, agents, lists, items });
  }

  private readonly ended = new Map<string, boolean>();

  private endedBefore(agentId: string): boolean {
    return this.ended.get(agentId) ?? false;
  }

  private invalidateOrder(): void {
    this.rootCache = undefined;
    this.hostCache = undefined;
    this.ended.clear();
    for (const agent of this.model.agents()) this.ended.set(agent.id, this.isEnded(agent.id));
  }

  private rebuild(): void {
    this.assignments.clear();
    this.tasksByAgent.clear();
    this.tallies.clear();
    this.rootCache = undefined;
    this.hostCache = undefined;
    this.ended.clear();
    this.bulk = new Map();
    try {
      for (const task of this.model.tasks()) this.reassign(task.id, new Set(), new Set(), new Set());
      for (const [agentId, keys] of this.bulk) this.listOf(agentId).reset(keys);
    } finally {
      this.bulk = undefined;
    }
    this.invalidateOrder();
  }

  private reassign(taskId: string, agents: Set<string>, lists: Set<string>, items: Set<string>): void {
    const before = this.assignments.get(taskId);
    const task = this.model.getTask(taskId);
    const after: Assignment | undefined =
      task?.agentId && !isFinished(task.state) && !task.archived
        ? { agentId: task.agentId, state: task.state, key: sortKeyOf(task), needs: task.state === 'paused' && needsInputOf(task) !== null }
        : undefined;
    if (before) this.count(before, -1);
    if (after) this.count(after, 1);
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

  private count(assignment: Assignment, delta: 1 | -1): void {
    let tally = this.tallies.get(assignment.agentId);
    if (!tally) this.tallies.set(assignment.agentId, (tally = { states: new Map(), needs: 0 }));
    tally.states.set(assignment.state, (tally.states.get(assignment.state) ?? 0) + delta);
    if (assignment.needs) tally.needs += delta;
  }
}

function compareAgents(a: Agent, b: Agent): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

/** The folder an agent works in, by its last name: sessions are folded per folder. */
export function workspaceFolder(agent: Agent | undefined): string | undefined {
  return folderName(agent?.meta.workspace ?? agent?.meta.cwd);
}

/**
 * The folder a row shows beside the agent's name: none when the name already says it, as the names of agents seen
 * through hooks do ("Claude Code · api"), so a row names its folder once.
 */
export function folderBesideName(agent: Agent): string | undefined {
  const folder = workspaceFolder(agent);
  return folder && !plainText(agent.name).split(' · ').includes(folder) ? folder : undefined;
}

function hostOf(agent: Agent | undefined): string {
  const host = agent?.meta.host;
  return typeof host === 'string' && host ? host : UNKNOWN_HOST;
}
