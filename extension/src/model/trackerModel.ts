/**
 * The tasks and agents as the daemon knows them, held in memory and kept true by folding the daemon's events with the
 * shared reducer. Emits one batched change per turn of the event loop naming exactly what changed. No `vscode` here.
 */
import { Emitter, type Event } from '../common/emitter.js';
import { Disposable } from '../common/lifecycle.js';
import { needsInputOf } from './plainWords.js';
import { reduceAgent, reduceTask, type Agent, type Task, type TrackerEvent } from './protocol.js';

export type ConnectionState =
  | { kind: 'disconnected'; reason: string }
  | { kind: 'connecting'; attempt: number }
  /** `storeProblem`: the daemon answers but its store cannot take writes (a team database it lost), in its words. */
  | { kind: 'connected'; url: string; version: string; storeProblem?: string };

/** Something the user may want to hear about: only raised for events that arrive live, never for catch-up. */
export interface TaskAlert {
  kind: 'failed' | 'stuck' | 'needsInput';
  taskId: string;
}

export interface ModelChange {
  /** Everything may have changed (a snapshot replaced the state). */
  readonly reset: boolean;
  /** Tasks added, changed or removed. */
  readonly tasks: ReadonlySet<string>;
  readonly agents: ReadonlySet<string>;
  readonly alerts: readonly TaskAlert[];
}

export interface Snapshot {
  tasks: readonly Task[];
  agents: readonly Agent[];
  /** Events up to `seq` are certainly reflected in the snapshot. */
  seq: number;
  /** Events up to this seq may or may not be reflected (they happened while the pages were read). */
  uncertainUntil: number;
}

interface PendingChange {
  reset: boolean;
  tasks: Set<string>;
  agents: Set<string>;
  alerts: TaskAlert[];
}

export class TrackerModel extends Disposable {
  private readonly taskMap = new Map<string, Task>();
  private readonly agentMap = new Map<string, Agent>();
  private lastSeq = 0;
  private uncertainUntil = 0;
  private isLive = false;
  private loaded = false;
  // Starts as "connecting" so the views do not flash "not reachable" before the first attempt has even run.
  private connectionState: ConnectionState = { kind: 'connecting', attempt: 0 };
  private pending: PendingChange | undefined;

  private readonly changeEmitter = this.register(new Emitter<ModelChange>());
  readonly onDidChange: Event<ModelChange> = this.changeEmitter.event;
  private readonly connectionEmitter = this.register(new Emitter<ConnectionState>());
  readonly onDidChangeConnection: Event<ConnectionState> = this.connectionEmitter.event;
  private readonly eventEmitter = this.register(new Emitter<TrackerEvent>());
  /**
   * Every event as it is folded, for models of what the task and agent maps do not hold (budgets); `live` says whether
   * it is news or catch-up.
   */
  readonly onDidApplyEvent: Event<TrackerEvent> = this.eventEmitter.event;

  /** The last event seq folded into this model; a reconnect asks the stream for everything after it. */
  get seq(): number {
    return this.lastSeq;
  }

  get connection(): ConnectionState {
    return this.connectionState;
  }

  /** True once a snapshot was loaded: until then an empty model means "unknown", not "no tasks". */
  get hasSnapshot(): boolean {
    return this.loaded;
  }

  /** Events now arriving are news (the stream has sent every past one): what alerts and notifications follow. */
  get live(): boolean {
    return this.isLive;
  }

  get taskCount(): number {
    return this.taskMap.size;
  }

  getTask(id: string): Task | undefined {
    return this.taskMap.get(id);
  }

  getAgent(id: string): Agent | undefined {
    return this.agentMap.get(id);
  }

  tasks(): IterableIterator<Task> {
    return this.taskMap.values();
  }

  agents(): IterableIterator<Agent> {
    return this.agentMap.values();
  }

  setConnection(state: ConnectionState): void {
    this.connectionState = state;
    if (state.kind !== 'connected') this.isLive = false;
    this.connectionEmitter.fire(state);
  }

  loadSnapshot(snapshot: Snapshot): void {
    this.taskMap.clear();
    this.agentMap.clear();
    for (const task of snapshot.tasks) this.taskMap.set(task.id, task);
    for (const agent of snapshot.agents) this.agentMap.set(agent.id, agent);
    this.lastSeq = snapshot.seq;
    this.uncertainUntil = snapshot.uncertainUntil;
    this.isLive = false;
    this.loaded = true;
    this.change().reset = true;
  }

  /** Forgets everything (the user pointed the extension at another daemon): until the next snapshot, nothing is known. */
  clear(): void {
    this.taskMap.clear();
    this.agentMap.clear();
    this.lastSeq = 0;
    this.uncertainUntil = 0;
    this.isLive = false;
    this.loaded = false;
    this.change().reset = true;
  }

  /** The stream said it has sent every past event: from now on events are news. */
  markLive(seq: number): void {
    if (seq > this.lastSeq) this.lastSeq = seq;
    this.isLive = true;
  }

  /** Folds one event; events at or below the current seq were already folded and are ignored (no duplicates). */
  applyEvent(event: TrackerEvent): boolean {
    if (event.seq <= this.lastSeq) return false;
    this.lastSeq = event.seq;
    if (event.type.startsWith('agent.')) {
      this.applyAgentEvent(event);
    } else if (event.taskId !== undefined && !this.alreadyInSnapshot(event, event.taskId)) {
      this.applyTaskEvent(event, event.taskId);
    }
    this.sawActor(event);
    this.eventEmitter.fire(event);
    return true;
  }

  /**
   * Heartbeats renew an agent's last-seen time without an event, so the agent list is read now and then: a newer
   * last-seen time (or a status the stream has not told yet) replaces ours.
   */
  mergeAgents(agents: readonly Agent[]): void {
    for (const fresh of agents) {
      const known = this.agentMap.get(fresh.id);
      if (!known) continue; // a new agent arrives with its own event
      if (Date.parse(fresh.lastSeenAt) > Date.parse(known.lastSeenAt)) {
        this.agentMap.set(fresh.id, { ...known, lastSeenAt: fresh.lastSeenAt });
        this.change().agents.add(fresh.id);
      }
    }
  }

  /** Emits the pending change now (the stream and the benchmark call this at the end of a burst). */
  flush(): void {
    const change = this.pending;
    this.pending = undefined;
    if (change) this.changeEmitter.fire(change);
  }

  /**
   * The snapshot's pages were read while events kept happening, so for events up to `uncertainUntil` a task may
   * already include them. The reducer stamps `updatedAt` with each event's time, so an event no newer than the task
   * is one the snapshot already holds.
   */
  private alreadyInSnapshot(event: TrackerEvent, taskId: string): boolean {
    if (event.seq > this.uncertainUntil) return false;
    const task = this.taskMap.get(taskId);
    if (!task) return false;
    return event.type === 'task.created' || Date.parse(event.at) <= Date.parse(task.updatedAt);
  }

  private applyTaskEvent(event: TrackerEvent, taskId: string): void {
    const before = this.taskMap.get(taskId);
    const after = reduceTask(before, event);
    if (after === before) return;
    if (after) {
      this.taskMap.set(taskId, after);
    } else {
      this.taskMap.delete(taskId);
    }
    const change = this.change();
    change.tasks.add(taskId);
    if (this.isLive) change.alerts.push(...alertsFor(before, after, taskId));
  }

  /** An event an agent sent is a sign of life: its last-seen time follows the daemon's without waiting for a poll. */
  private sawActor(event: TrackerEvent): void {
    if (!event.actor.startsWith('agent:')) return;
    const agentId = event.actor.slice('agent:'.length);
    const agent = this.agentMap.get(agentId);
    if (!agent || Date.parse(event.at) <= Date.parse(agent.lastSeenAt)) return;
    this.agentMap.set(agentId, { ...agent, lastSeenAt: event.at });
    this.change().agents.add(agentId);
  }

  private applyAgentEvent(event: TrackerEvent): void {
    const agentId = event.agentId ?? agentIdOf(event);
    if (!agentId) return;
    const before = this.agentMap.get(agentId);
    const after = reduceAgent(before, event);
    if (after === before || !after) return;
    this.agentMap.set(agentId, after);
    this.change().agents.add(agentId);
  }

  private change(): PendingChange {
    if (!this.pending) {
      this.pending = { reset: false, tasks: new Set(), agents: new Set(), alerts: [] };
      // One emission per turn of the event loop, however many events arrived in it.
      setTimeout(() => this.flush(), 0);
    }
    return this.pending;
  }
}

function alertsFor(before: Task | undefined, after: Task | undefined, taskId: string): TaskAlert[] {
  if (!after) return [];
  const alerts: TaskAlert[] = [];
  if (after.state === 'failed' && before?.state !== 'failed') alerts.push({ kind: 'failed', taskId });
  if (after.stuck && !before?.stuck) alerts.push({ kind: 'stuck', taskId });
  const needs = needsInputOf(after);
  if (needs && needs.since !== (before && needsInputOf(before))?.since) alerts.push({ kind: 'needsInput', taskId });
  return alerts;
}

/** An agent event names its agent; a registration carries it in its data too. */
function agentIdOf(event: TrackerEvent): string | undefined {
  return event.type === 'agent.registered' ? event.data.agent.id : undefined;
}
