/** Starts the daemon for the `agent-tracker daemon` command: settings, listen, signals. No tracking logic here. */

export interface DaemonSettings {
  home: string;
  host: string;
  port: number;
  agentTimeoutMs: number;
  defaultLeaseMs: number;
  retentionDays: number;
}

/** Flags win over environment variables, which win over the defaults of the contract. */
export function resolveSettings(flags: Partial<DaemonSettings>, env: NodeJS.ProcessEnv = process.env): DaemonSettings {
  void flags;
  void env;
  throw new Error('not yet built');
}

/** Runs until SIGTERM/SIGINT, then flushes and exits 0; exits non-zero with a clear message when it cannot start. */
export async function runDaemon(settings: DaemonSettings): Promise<void> {
  void settings;
  throw new Error('not yet built');
}
