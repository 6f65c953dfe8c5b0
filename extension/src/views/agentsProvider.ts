/** The Agents view: each agent with status, last seen and active-task count; its open tasks as children. */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { AgentTree, AgentTreeChange } from '../model/agentTree.js';
import type { TaskTree } from '../model/taskTree.js';
import type { TrackerModel } from '../model/trackerModel.js';
import { AgentNode, agentTreeItem } from './nodes/agentNode.js';
import { TaskNode, taskTreeItem } from './nodes/taskNode.js';
import { RefreshScheduler } from './refreshScheduler.js';

export type AgentsElement = AgentNode | TaskNode;

export class AgentsProvider extends Disposable implements vscode.TreeDataProvider<AgentsElement> {
  private agentNodes = new Map<string, AgentNode>();
  private taskNodes = new Map<string, TaskNode>();
  private readonly emitter = this.register(new vscode.EventEmitter<AgentsElement[] | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly scheduler = this.register(new RefreshScheduler<AgentsElement>((e) => this.emitter.fire(e)));

  constructor(
    private readonly model: TrackerModel,
    private readonly tree: AgentTree,
    private readonly taskTree: TaskTree,
    private readonly stuckAfterSeconds: () => number,
  ) {
    super();
    this.register(tree.onDidChange((change) => this.onTreeChange(change)));
    this.register(model.onDidChangeConnection(() => this.scheduler.schedule(undefined)));
  }

  /** "Last seen" ages with time alone: redraw the agent rows (not their tasks). */
  refreshAgents(): void {
    this.scheduler.schedule([...this.agentNodes.values()]);
  }

  getChildren(element?: AgentsElement): AgentsElement[] {
    if (!this.model.hasSnapshot) return [];
    if (!element) return this.tree.roots().map((id) => this.agentNode(id));
    if (element.kind === 'agent') return this.tree.tasksOf(element.agentId).map((id) => this.taskNode(id));
    return [];
  }

  getTreeItem(element: AgentsElement): vscode.TreeItem {
    if (element.kind === 'agent') {
      const agent = this.model.getAgent(element.agentId);
      if (!agent) return new vscode.TreeItem(element.agentId);
      const counts = { active: this.tree.activeTaskCount(agent.id), open: this.tree.openTaskCount(agent.id) };
      return agentTreeItem(agent, counts, Date.now());
    }
    const task = this.model.getTask(element.taskId);
    if (!task) return new vscode.TreeItem(element.taskId);
    return taskTreeItem(task, {
      view: 'agents',
      hasChildren: false,
      blockers: this.taskTree.blockers(task),
      possiblyStuck: this.taskTree.isPossiblyStuck(task),
      now: Date.now(),
      stuckAfterSeconds: this.stuckAfterSeconds(),
    });
  }

  getParent(element: AgentsElement): AgentsElement | undefined {
    if (element.kind === 'agent') return undefined;
    const agentId = this.model.getTask(element.taskId)?.agentId;
    return agentId ? this.agentNode(agentId) : undefined;
  }

  private onTreeChange(change: AgentTreeChange): void {
    if (change.all) {
      this.agentNodes = new Map();
      this.taskNodes = new Map();
      this.scheduler.schedule(undefined);
      return;
    }
    const elements: AgentsElement[] = [];
    for (const id of change.agents) {
      const node = this.agentNodes.get(id);
      if (node) elements.push(node);
    }
    for (const id of change.items) {
      const node = this.taskNodes.get(id);
      if (node) elements.push(node);
    }
    this.scheduler.schedule(elements);
  }

  private agentNode(id: string): AgentNode {
    let node = this.agentNodes.get(id);
    if (!node) this.agentNodes.set(id, (node = new AgentNode(id)));
    return node;
  }

  private taskNode(id: string): TaskNode {
    let node = this.taskNodes.get(id);
    if (!node) this.taskNodes.set(id, (node = new TaskNode(id, 'agents')));
    return node;
  }
}
