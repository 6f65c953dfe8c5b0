/**
 * The registry held in memory: tasks, agents and the indexes the queries need, maintained by folding events with the
 * shared reducer. Recovery builds one from the snapshot and the log; the daemon then keeps it current event by event.
 * Histories are not here: each store serves them (the file store from the log on disk).
 */
import {
  addUsage,
  approvalIdOf,
  emptyUsage,
  reduceAgent,
  reduceApproval,
  reduceTask,
  type Agent,
  type Approval,
  type Usage,
  type Task,
  type EventType,
  type TrackerEvent,
} from '../protocol/index.js';
import type { IdempotencyRecord, InboxCursor } from './records.js';
import { BudgetBook } from './budgetBook.js';
import { TaskTable } from './taskTable.js';

export class TrackerState {
  /** The tasks by id, with their creation ranks and the tasks in each state. */
  readonly tasks = new TaskTable();
  readonly agents = new Map<string, Agent>();
  /** For each task, the tasks whose `dependsOn` names it (its derived `blocks`). */
  readonly dependents = new Map<string, Set<string>>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly inbox = new Map<string, InboxCursor>();
  /** The lease length of each task's current claim, so that a heartbeat renews it by as much. */
  readonly claimLeaseMs = new Map<string, number>();
  /** Model usage per UTC day (`YYYY-MM-DD`): the day's total and each agent's, from the `agent.usage` events. */
  readonly usageByDay = new Map<string, { total: Usage; byAgent: Map<string, Usage> }>();
  /** Approvals by id, folded from their events (the event log is where they are kept; see foldApproval). */
  readonly approvals = new Map<string, Approval>();
  /** The approvals of each task, so that a task removed by retention takes its approvals along. */
  private readonly approvalsByTask = new Map<string, Set<string>>();
  /** Spending budgets and each one's spend in its current period, from the budget and usage events. */
  readonly budgets = new BudgetBook();
  seq = 0;

  /** Loads a task as it stood in a snapshot, into a registry being built (its events, if any, come from the log). */
  loadTask(task: Task): void {
    this.setTask(task);
  }

  loadAgent(agent: Agent): void {
    this.agents.set(agent.id, agent);
  }

  /** Folds a new event into the registry and its indexes. */
  apply(event: TrackerEvent): void {
    if (event.seq <= this.seq) return;
    this.seq = event.seq;
    this.fold(event);
  }

  /**
   * Folds an event into the tasks and agents alone, in the order given, without the seq: the view of a store that
   * keeps its feed elsewhere (PostgreSQL) and learns of other writers' events after its own.
   */
  fold(event: TrackerEvent): void {
    this.rememberClaim(event);
    this.recount(event);
    if (event.type.startsWith('approval.')) {
      // Approval events name their task for its history; they change the approval, never the task.
      this.foldApproval(event);
      return;
    }
    if (event.taskId) {
      const before = this.tasks.get(event.taskId);
      const after = reduceTask(before, event);
      if (after) this.setTask(after, before);
      else if (before) this.removeTask(event.taskId);
    }
    if (event.agentId && event.type.startsWith('agent.')) {
      const agent = reduceAgent(this.agents.get(event.agentId), event);
      if (agent) this.agents.set(agent.id, agent);
    }
  }

  /**
   * Folds the summaries the snapshot does not hold: usage per day and budgets. Recovery does this for the usage and
   * budget events the snapshot already contains (`isSummaryEvent`); they are few next to the rest of the log.
   */
  recount(event: TrackerEvent): void {
    this.countUsage(event);
    this.budgets.fold(event, this);
  }

  /** Adds an `agent.usage` event to its day. */
  private countUsage(event: TrackerEvent): void {
    if (event.type !== 'agent.usage' || !event.agentId) return;
    const { usage, model } = event.data;
    const dayKey = event.at.slice(0, 10);
    let day = this.usageByDay.get(dayKey);
    if (!day) this.usageByDay.set(dayKey, (day = { total: emptyUsage(), byAgent: new Map() }));
    day.total = addUsage(day.total, usage, model);
    day.byAgent.set(event.agentId, addUsage(day.byAgent.get(event.agentId) ?? null, usage, model));
  }

  /**
   * Folds an approval event into the approvals. Snapshots do not hold approvals: recovery folds every approval event
   * of the log (the few before the snapshot's seq too), as it does the usage per day.
   */
  foldApproval(event: TrackerEvent): void {
    if (event.type !== 'approval.requested' && event.type !== 'approval.decided' && event.type !== 'approval.expired') return;
    const id = approvalIdOf(event);
    if (id === undefined) return;
    const approval = reduceApproval(this.approvals.get(id), event);
    if (!approval) return;
    this.approvals.set(id, approval);
    if (approval.taskId !== null) {
      let ids = this.approvalsByTask.get(approval.taskId);
      if (!ids) this.approvalsByTask.set(approval.taskId, (ids = new Set()));
      ids.add(id);
    }
  }

  /** Forgets an approval, to fold its events again from the store (a shared store's view after a refused commit). */
  forgetApproval(id: string): void {
    const approval = this.approvals.get(id);
    const taskId = approval?.taskId;
    if (taskId !== undefined && taskId !== null) this.approvalsByTask.get(taskId)?.delete(id);
    this.approvals.delete(id);
  }

  /** Notes a claim's lease length (recovery does this for claims the snapshot already contains). */
  rememberClaim(event: TrackerEvent): void {
    if (event.taskId && event.type === 'task.claimed' && typeof event.data.leaseMs === 'number') {
      this.claimLeaseMs.set(event.taskId, event.data.leaseMs);
    }
  }

  /** Replaces a task without an event: lease renewals and stuck flags that heartbeats maintain. */
  replaceTask(task: Task): void {
    this.setTask(task, this.tasks.get(task.id));
  }

  private setTask(task: Task, before?: Task): void {
    if (before?.dependsOn !== task.dependsOn) {
      for (const dep of before?.dependsOn ?? []) this.dependents.get(dep.taskId)?.delete(task.id);
      for (const dep of task.dependsOn) {
        let set = this.dependents.get(dep.taskId);
        if (!set) this.dependents.set(dep.taskId, (set = new Set()));
        set.add(task.id);
      }
    }
    if (task.lease === null) this.claimLeaseMs.delete(task.id);
    this.tasks.set(task, before);
  }

  /** Forgets a task (its history stays with the store until retention compacts it away). */
  removeTask(taskId: string): void {
    const task = this.tasks.get(taskId);
    for (const dep of task?.dependsOn ?? []) this.dependents.get(dep.taskId)?.delete(taskId);
    this.tasks.delete(taskId);
    this.claimLeaseMs.delete(taskId);
    for (const id of this.approvalsByTask.get(taskId) ?? []) this.approvals.delete(id);
    this.approvalsByTask.delete(taskId);
  }
}

/** The event types `TrackerState.recount` folds: what recovery reads again from before a snapshot. */
export const SUMMARY_EVENT_TYPES: ReadonlySet<string> = new Set<EventType>([
  'agent.usage',
  'budget.set',
  'budget.removed',
  'budget.warning',
  'budget.exceeded',
]);
