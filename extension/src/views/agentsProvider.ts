/**
 * The Agents view: each agent with its kind, status, folder and current step (grouped by host when agents of several
 * hosts report), its open tasks as children. Status and "seen" follow the daemon; a row is redrawn only when what it
 * shows changed.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { AgentEntry, AgentTree, AgentTreeChange } from '../model/agentTree.js';
import type { TaskTree } from '../model/taskTree.js';
import type { TrackerModel } from '../model/trackerModel.js';
import { AgentNode, EndedNode, HostNode, agentTooltip, agentTreeItem, endedTreeItem, hostTreeItem, type AgentRowFacts } from './nodes/agentNode.js';
import { TaskNode, taskTooltip, taskTreeItem } from './nodes/taskNode.js';
import { NodeCache } from './nodeCache.js';
import { SetupNode, setupTreeItem } from './nodes/setupNode.js';
import type { SetupSteps } from './setupSteps.js';
import { RefreshScheduler } from './refreshScheduler.js';
import { RowMemo } from './rowMemo.js';
import { RowPacer } from './rowPacer.js';
import { taskRowContext } from './taskRowContext.js';

export type AgentsElement = SetupNode | HostNode | AgentNode | EndedNode | TaskNode;

export class AgentsProvider extends Disposable implements vscode.TreeDataProvider<AgentsElement> {
  private readonly hostNodes = new NodeCache((host: string) => new HostNode(host));
  private readonly agentNodes = new NodeCache((id: string) => new AgentNode(id));
  private readonly taskNodes = new NodeCache((id: string) => new TaskNode(id, 'agents'));
  private readonly endedNodes = new NodeCache((key: string) => new EndedNode(key));
  private readonly setupNodes = new NodeCache((agent: string) => new SetupNode(agent));
  /** The agents of each folded row, as last listed. */
  private readonly endedLists = new Map<string, readonly string[]>();
  private readonly memo = new RowMemo<AgentsElement>();
  private readonly emitter = this.register(new vscode.EventEmitter<AgentsElement[] | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly scheduler = this.register(new RefreshScheduler<AgentsElement>((e) => this.emitter.fire(e)));
  private readonly pacer = this.register(new RowPacer<AgentsElement>((rows) => this.scheduler.schedule(rows)));

  constructor(
    private readonly model: TrackerModel,
    private readonly tree: AgentTree,
    private readonly taskTree: TaskTree,
    private readonly stuckAfterSeconds: () => number,
    private readonly setup: SetupSteps,
  ) {
    super();
    this.register(tree.onDidChange((change) => this.onTreeChange(change)));
    this.register(setup.onDidChange(() => this.scheduler.schedule(undefined)));
  }

  /** "Seen 2m ago" ages with time alone: redraw the agent rows whose text moved (not their tasks). */
  refreshAgents(): void {
    this.scheduler.schedule(this.memo.changed(this.agentNodes.all(), (node) => this.render(node)));
  }

  getChildren(element?: AgentsElement): AgentsElement[] {
    if (!this.model.hasSnapshot) return [];
    if (!element) {
      // A step left to the user comes first, and stays until it is done.
      const steps = this.setup.steps.map((step) => this.setupNodes.get(step.agent));
      const hosts = this.tree.hosts();
      if (hosts) return [...steps, ...hosts.map((host) => this.hostNodes.get(host))];
      return [...steps, ...this.nodesOf(this.tree.entries())];
    }
    if (element.kind === 'host') return this.nodesOf(this.tree.entries(element.host));
    if (element.kind === 'ended') return (this.endedLists.get(element.key) ?? []).map((id) => this.agentNodes.get(id));
    if (element.kind === 'agent') return this.tree.tasksOf(element.agentId).map((id) => this.taskNodes.get(id));
    return [];
  }

  getTreeItem(element: AgentsElement): vscode.TreeItem {
    return this.memo.drawn(element, this.render(element));
  }

  private nodesOf(entries: readonly AgentEntry[]): AgentsElement[] {
    return entries.map((entry) => {
      if (entry.kind === 'agent') return this.agentNodes.get(entry.agentId);
      const key = `${entry.host}\u0000${entry.folder}`;
      this.endedLists.set(key, entry.agentIds);
      return this.endedNodes.get(key);
    });
  }

  getParent(element: AgentsElement): AgentsElement | undefined {
    if (element.kind === 'setup' || element.kind === 'host' || element.kind === 'ended') return undefined;
    if (element.kind === 'agent') return this.tree.hosts() ? this.hostNodes.get(this.tree.hostOf(element.agentId)) : undefined;
    const agentId = this.model.getTask(element.taskId)?.agentId;
    return agentId ? this.agentNodes.get(agentId) : undefined;
  }

  private render(element: AgentsElement): vscode.TreeItem {
    if (element.kind === 'setup') {
      const step = this.setup.steps.find((s) => s.agent === element.agent);
      return step ? setupTreeItem(step) : new vscode.TreeItem('(done)');
    }
    if (element.kind === 'host') return hostTreeItem(element.host, this.tree.agentsOfHost(element.host).length);
    if (element.kind === 'ended') return endedTreeItem(element.key, this.endedLists.get(element.key)?.length ?? 0);
    if (element.kind === 'agent') {
      const agent = this.model.getAgent(element.agentId);
      if (!agent) return new vscode.TreeItem('(removed)');
      return agentTreeItem(agent, this.factsOf(agent.id));
    }
    const task = this.model.getTask(element.taskId);
    if (!task) return new vscode.TreeItem('(removed)');
    const src = { model: this.model, taskTree: this.taskTree, stuckAfterSeconds: this.stuckAfterSeconds };
    return taskTreeItem(task, taskRowContext(task, 'agents', false, src));
  }

  private factsOf(id: string): AgentRowFacts {
    return {
      status: this.tree.rowStatusOf(id),
      active: this.tree.activeTaskCount(id),
      open: this.tree.openTaskCount(id),
      step: this.tree.currentStep(id),
      now: Date.now(),
    };
  }

  resolveTreeItem(item: vscode.TreeItem, element: AgentsElement): vscode.TreeItem {
    if (element.kind === 'agent') {
      const agent = this.model.getAgent(element.agentId);
      if (agent) item.tooltip = agentTooltip(agent, this.factsOf(agent.id));
    } else if (element.kind === 'task') {
      const task = this.model.getTask(element.taskId);
      const src = { model: this.model, taskTree: this.taskTree, stuckAfterSeconds: this.stuckAfterSeconds };
      if (task) item.tooltip = taskTooltip(task, taskRowContext(task, 'agents', false, src));
    }
    return item;
  }

  private onTreeChange(change: AgentTreeChange): void {
    if (change.all) {
      this.agentNodes.clear();
      this.taskNodes.clear();
      this.hostNodes.clear();
      this.endedNodes.clear();
      this.endedLists.clear();
      this.memo.clear();
      this.pacer.clear();
      this.scheduler.schedule(undefined);
      return;
    }
    // An agent whose task list changed is redrawn with its children; other rows only if they would look different.
    const lists = this.agentNodes.shown(change.lists);
    const rows = this.memo.changed(
      [...this.agentNodes.shown([...change.agents].filter((id) => !change.lists.has(id))), ...this.taskNodes.shown(change.items)],
      (node) => this.render(node),
    );
    this.scheduler.schedule([...lists, ...this.pacer.pace(rows)]);
  }
}
