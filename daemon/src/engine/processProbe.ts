/**
 * Is a process running, and since when? Linux says both through procfs (`/proc/<pid>/stat`: its state, and its start
 * in clock ticks after boot); elsewhere a signal 0 says whether the pid exists, without a start time, so a reused pid
 * goes unnoticed there.
 */
import { readFileSync } from 'node:fs';

export type ProcessStatus = { alive: false } | { alive: true; startedAt?: number };

export type ProcessProbe = (pid: number) => ProcessStatus;

/** Clock ticks per second of /proc times: 100 on every Linux architecture Node runs on (USER_HZ). */
const CLOCK_TICKS = 100;

let bootTimeMs: number | undefined;

function bootTime(): number | undefined {
  if (bootTimeMs === undefined) {
    const match = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    if (match) bootTimeMs = Number(match[1]) * 1000;
  }
  return bootTimeMs;
}

function procfsProbe(pid: number): ProcessStatus {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return { alive: false };
  }
  // The command name (in parentheses) may hold spaces and parentheses: the fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // A zombie has exited; only its parent has not collected it yet. X: dead.
  if (fields[0] === 'Z' || fields[0] === 'X') return { alive: false };
  const ticks = Number(fields[19]);
  const boot = bootTime();
  if (!Number.isFinite(ticks) || boot === undefined) return { alive: true };
  return { alive: true, startedAt: boot + (ticks * 1000) / CLOCK_TICKS };
}

function signalProbe(pid: number): ProcessStatus {
  try {
    process.kill(pid, 0);
    return { alive: true };
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? { alive: true } : { alive: false };
  }
}

export const systemProcessProbe: ProcessProbe = process.platform === 'linux' ? procfsProbe : signalProbe;
