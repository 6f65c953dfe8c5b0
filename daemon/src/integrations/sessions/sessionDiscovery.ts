/**
 * Finds agent sessions that run without our hooks (started before `hooks install`, or in a profile without them) in
 * the agents' own registries of live sessions, and shows each as an agent, marked as seen without hooks. Process
 * liveness then takes over: the agent goes offline when its process exits. Read-only: the files are the agent's.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Activity } from '../../protocol/index.js';
import { readClaudeSession, sessionAgent } from './claudeSessions.js';
import type { Logger } from '../../common/logger.js';
import { readRegularFileSync } from '../../common/regularFile.js';

/** What the discovery needs of the daemon: whether an agent is known, and where its activities go. */
export interface DiscoveryTarget {
  knows(agentId: string): boolean;
  apply(activities: Activity[]): void;
}

/** Whether a process runs, and since when (ms since the epoch), as the daemon's process probe tells. */
type Probe = (pid: number) => { alive: boolean; startedAt?: number };

/** A session file is a few hundred bytes; anything far larger is not one. */
const MAX_FILE_BYTES = 64 * 1024;
/** Files looked at per scan: a folder with more is not what it seems. */
const MAX_FILES = 1000;
/** How far the process's start may be from the session's own start time (the runtime starts before the session). */
const START_SLACK_MS = 30_000;
const SCAN_INTERVAL_MS = 2000;

export class SessionDiscovery {
  private timer: NodeJS.Timeout | undefined;
  /** Files already reported as unreadable, so the log says it once. */
  private readonly skipped = new Set<string>();

  constructor(
    private readonly target: DiscoveryTarget,
    /** Claude Code's `sessions/` folder. */
    private readonly claudeSessionsDir: string,
    private readonly host: string,
    private readonly probe: Probe,
    private readonly log: Logger,
  ) {}

  start(intervalMs = SCAN_INTERVAL_MS): void {
    this.scan();
    this.timer = setInterval(() => this.scan(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One look at the folder: every live session not known yet becomes an agent. */
  scan(): void {
    let names: string[];
    try {
      names = readdirSync(this.claudeSessionsDir).filter((name) => /^\d+\.json$/.test(name)).slice(0, MAX_FILES);
    } catch {
      return; // No such folder: Claude Code has not run here, or keeps its sessions elsewhere.
    }
    for (const name of names) {
      // Regular files only: never a link, and never waiting on a FIFO or a device. A larger file is cut, and then no JSON.
      const text = readRegularFileSync(path.join(this.claudeSessionsDir, name), MAX_FILE_BYTES);
      if (text === undefined) continue;
      const session = readClaudeSession(name, text);
      if ('skipped' in session) {
        if (!this.skipped.has(name)) this.log.warn(`session file ${name} in ${this.claudeSessionsDir} not read: ${session.skipped}`);
        this.skipped.add(name);
        continue;
      }
      const agent = sessionAgent(session, this.host);
      if (this.target.knows(agent.agentId) || !this.runs(session.pid, session.startedAt)) continue;
      // The agent's own registry says so: first-hand, as its hooks would.
      this.target.apply([{ type: 'session.seen', ...agent, firsthand: true }]);
    }
  }

  /** The session's own process, not a later one that got its pid. */
  private runs(pid: number, startedAt: number): boolean {
    const status = this.probe(pid);
    if (!status.alive) return false;
    return status.startedAt === undefined || Math.abs(status.startedAt - startedAt) <= START_SLACK_MS;
  }
}
