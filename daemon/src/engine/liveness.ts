/**
 * Process liveness: an agent that reported its process id on this host needs no heartbeat. Each pass asks whether
 * that process still runs; once it is gone (or its pid belongs to another process now) the agent is offline and its
 * open work is stuck with reason `process_exited`.
 *
 * A reported pid is trusted only when it is plausible: not 1 (init, or a container's first process: it never exits),
 * a process of the daemon's own user, and running, with a start time before the agent was last seen (the agent
 * reported from it), the first time it is looked at. After that its start time must not change (a pid is reused by a
 * new process: the start time tells them apart). Only a trusted pid's end makes the agent `process_exited`; an agent
 * whose pid is not trusted (dead already, someone else's, an unrelated process) is left to its heartbeats, so a wrong
 * pid can neither keep a dead agent alive nor mark a live one exited.
 */
import type { Agent } from '../protocol/index.js';
import type { TrackerState } from '../store/state.js';
import type { EventDraft } from '../store/store.js';
import type { ProcessProbe } from './processProbe.js';

/** /proc start times are in clock ticks (10 ms) and the clock that stamped lastSeenAt may be a little ahead. */
const START_TIME_SLACK_MS = 1000;

/** Work that a dead process leaves unfinished. */
const OPEN_STATES = ['assigned', 'active', 'paused'] as const;

export class ProcessWatch {
  /** Start time of each agent's process as first seen: `<agent id>` -> pid and start. */
  private readonly known = new Map<string, { pid: number; startedAt: number | undefined }>();
  /** Agents whose process ran at the last pass: they need no heartbeat. */
  private readonly alive = new Set<string>();
  /**
   * The pid each agent had when its process was found gone. An agent that reports again without a new pid (another
   * process of the same agent id, still heartbeating) is left to its heartbeats, rather than sent offline again and
   * again for a process that is long gone.
   */
  private readonly gone = new Map<string, number>();

  constructor(
    private readonly host: string,
    private readonly probe: ProcessProbe,
  ) {}

  /** Whether the agent's process was running at the last pass (its heartbeats are not needed then). */
  isAlive(agentId: string): boolean {
    return this.alive.has(agentId);
  }

  /**
   * Looks at the processes of agents that just reported, so that their pids are vouched for while they surely run: an
   * agent killed before the next pass would otherwise be found dead at its first look, with nothing to trust.
   */
  vouch(state: TrackerState, agentIds: Iterable<string>): void {
    for (const agentId of agentIds) {
      const agent = state.agents.get(agentId);
      const pid = agent && this.watchedPid(agent);
      if (agent && pid !== undefined && this.known.get(agentId)?.pid !== pid) this.verdict(agent, pid);
    }
  }

  /** One pass over the agents with a local pid; returns the drafts that record the ones gone. */
  check(state: TrackerState, now: number): EventDraft[] {
    const at = new Date(now).toISOString();
    const drafts: EventDraft[] = [];
    this.alive.clear();
    for (const agent of state.agents.values()) {
      const pid = this.watchedPid(agent);
      if (pid === undefined) continue;
      const verdict = this.verdict(agent, pid);
      if (verdict === 'alive') this.alive.add(agent.id);
      if (verdict !== 'gone') continue;
      this.known.delete(agent.id);
      this.gone.set(agent.id, pid);
      drafts.push({ type: 'agent.offline', agentId: agent.id, actor: 'daemon', data: { lastSeenAt: agent.lastSeenAt, reason: 'process_exited' } });
      for (const task of state.tasks.inStates(OPEN_STATES)) {
        if (task.agentId !== agent.id || task.stuck?.reason === 'process_exited') continue;
        drafts.push({ type: 'task.stuck', taskId: task.id, agentId: agent.id, actor: 'daemon', data: { since: at, reason: 'process_exited' } });
      }
    }
    for (const map of [this.known, this.gone]) for (const agentId of map.keys()) if (!state.agents.has(agentId)) map.delete(agentId);
    return drafts;
  }

  /** The pid to look at for this agent: one it reported on this host, while online, unless already found gone. */
  private watchedPid(agent: Agent): number | undefined {
    const pid = agent.meta.pid;
    if (agent.status === 'offline' || pid === undefined || agent.meta.host !== this.host || this.gone.get(agent.id) === pid) return undefined;
    return pid;
  }

  /** `alive`: the agent's own process runs; `gone`: it ended (or its pid is another process now); `untrusted`: no say. */
  private verdict(agent: Agent, pid: number): 'alive' | 'gone' | 'untrusted' {
    if (!Number.isInteger(pid) || pid <= 1) return 'untrusted';
    const known = this.known.get(agent.id);
    const trusted = known?.pid === pid ? known : undefined;
    const status = this.probe(pid);
    if (!status.alive || status.sameUser === false) return trusted ? 'gone' : 'untrusted';
    if (trusted) {
      // Where the start time comes later (a command's answer), it is taken when it comes.
      if (trusted.startedAt === undefined) trusted.startedAt = status.startedAt;
      const same = trusted.startedAt === undefined || status.startedAt === undefined || Math.abs(trusted.startedAt - status.startedAt) < 50;
      return same ? 'alive' : 'gone';
    }
    if (status.startedAt !== undefined && status.startedAt > Date.parse(agent.lastSeenAt) + START_TIME_SLACK_MS) return 'untrusted';
    this.known.set(agent.id, { pid, startedAt: status.startedAt });
    return 'alive';
  }
}
