/** The Agents view: each agent with status, last seen and active-task count; its open tasks as children. */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { AgentTree, AgentTreeChange } from '../model/agentTree.js';
import type { TaskTree } from '../model/taskTree.js';
import type { TrackerModel } from '../model/trackerModel.js';
import { AgentNode, agentTreeItem } from './nodes/agentNode.js';
import { TaskNode, taskTreeItem } from './nodes/taskNode.js';
import { NodeCache } from './nodeCache.js';
import { RefreshScheduler } from './refreshScheduler.js';

export type AgentsElement = AgentNode | TaskNode;

export class AgentsProvider extends Disposable implements vscode.TreeDataProvider<AgentsElement> {
  private readonly agentNodes = new NodeCache((id: string) => new AgentNode(id));
  private readonly taskNodes = new NodeCache((id: string) => new TaskNode(id, 'agents'));
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
    this.scheduler.schedule(this.agentNodes.all());
  }

  getChildren(element?: AgentsElement): AgentsElement[] {
    if (!this.model.hasSnapshot) return [];
    if (!element) return this.tree.roots().map((id) => this.agentNodes.get(id));
    if (element.kind === 'agent') return this.tree.tasksOf(element.agentId).map((id) => this.taskNodes.get(id));
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
    return agentId ? this.agentNodes.get(agentId) : undefined;
  }

  private onTreeChange(change: AgentTreeChange): void {
    if (change.all) {
      this.agentNodes.clear();
      this.taskNodes.clear();
      this.scheduler.schedule(undefined);
      return;
    }
    this.scheduler.schedule([...this.agentNodes.shown(change.agents), ...this.taskNodes.shown(change.items)]);
  }
}
