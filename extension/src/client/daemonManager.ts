/**
 * When to start or stop the daemon: on demand (commands) and automatically when none answers, unless the user turned
 * that off, points at a daemon of their own (`daemonUrl`), or stopped it in this window on purpose.
 */
import { runningDaemonPid, spawnDaemon, stopDaemon, type Location } from '#client';
import type { Logger } from '../common/logger.js';
import { describeError } from '../model/protocol.js';

/** After a failed automatic start, wait this long before trying again (the connection keeps retrying meanwhile). */
const AUTO_START_COOLDOWN_MS = 60_000;

export interface DaemonManagerSettings {
  daemonUrl: string;
  home: string;
  autoStartDaemon: boolean;
}

export class DaemonManager {
  private stoppedByUser = false;
  private starting: Promise<number> | undefined;
  private lastAutoStartFailure = 0;
  /** Whether the last start spawned a daemon (rather than finding one running). */
  private spawned = false;
  /** Called when a daemon is started automatically: the connection had found none answering. */
  onAutoStarted: ((pid: number) => void) | undefined;

  constructor(
    readonly bundlePath: string,
    private readonly settings: () => DaemonManagerSettings,
    private readonly logger: Logger,
  ) {}

  get home(): string {
    return this.settings().home;
  }

  /** Resolves true when it started a daemon, so the connection should try again at once. */
  async onUnreachable(location: Location): Promise<boolean> {
    const settings = this.settings();
    if (!settings.autoStartDaemon || settings.daemonUrl || this.stoppedByUser) return false;
    // A daemon named by AGENT_TRACKER_URL is someone else's to start.
    if (location.found && location.source !== 'home') return false;
    if (Date.now() - this.lastAutoStartFailure < AUTO_START_COOLDOWN_MS) return false;
    // A live daemon that does not answer yet is still starting: a second one would be refused anyway.
    if (location.found && (await runningDaemonPid(location.home)) !== undefined) return false;
    try {
      const pid = await this.start();
      if (this.spawned) this.onAutoStarted?.(pid);
      return true;
    } catch (error) {
      this.lastAutoStartFailure = Date.now();
      this.logger.error(`starting the daemon failed: ${describeError(error)}`);
      return false;
    }
  }

  /** Starts the bundled daemon on the configured home; resolves with its pid (the running one's, if any). */
  start(): Promise<number> {
    this.stoppedByUser = false;
    this.starting ??= this.startOnce().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Resolves false when no daemon was running on the home. */
  async stop(): Promise<boolean> {
    this.stoppedByUser = true;
    const stopped = await stopDaemon(this.home);
    this.logger.info(stopped ? 'daemon stopped' : 'no daemon was running');
    return stopped;
  }

  private async startOnce(): Promise<number> {
    const home = this.home;
    this.spawned = false;
    const running = await runningDaemonPid(home);
    if (running !== undefined) return running;
    this.logger.info(`starting the bundled daemon on ${home}`);
    const { pid } = await spawnDaemon({ entry: this.bundlePath, home, detached: true });
    this.logger.info(`daemon started (pid ${pid})`);
    this.spawned = true;
    return pid;
  }
}
