// Starts programs in a process group of their own and stops the whole group: the VS Code server forks helpers
// (file watcher, pty host, extension host) that would outlive a signal sent to the server alone.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

const liveGroups = new Set<number>();

// Last resort: whatever way this process ends, no group it started stays behind.
process.on('exit', () => {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
});

export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid !== undefined) liveGroups.add(child.pid);
  return child;
}

/** SIGTERM to the group, then SIGKILL for whatever is still there after the grace period. */
export async function stopGroup(pgid: number, graceMs = 5000): Promise<void> {
  if (!liveGroups.has(pgid)) return;
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await delay(50);
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  const killDeadline = Date.now() + 2000;
  while (groupAlive(pgid) && Date.now() < killDeadline) await delay(50);
  liveGroups.delete(pgid);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
