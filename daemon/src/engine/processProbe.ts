/**
 * Is a process running, whose is it, and since when? Linux says all three through procfs (`/proc/<pid>/stat`: its
 * state and its start in clock ticks after boot; the owner of `/proc/<pid>`). macOS and the BSDs say it through
 * `ps -o uid=,lstart=`, Windows through PowerShell's `Get-Process` (whose `StartTime` another user's process does not
 * show to a normal user: readable means ours). Those commands cost a process start, so there a signal 0 answers
 * "running?" on every pass and the owner and start time come from the command, run in the background and kept a while.
 *
 * The command lines and the reading of their answers are pure functions of the platform, tested on every platform.
 */
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

export type ProcessStatus = { alive: false } | { alive: true; startedAt?: number; sameUser?: boolean };

export type ProcessProbe = (pid: number) => ProcessStatus;

/** Clock ticks per second of /proc times: 100 on every Linux architecture Node runs on (USER_HZ). */
const CLOCK_TICKS = 100;
/** How long an owner and start time read by a command are kept before they are asked again. */
const COMMAND_ANSWER_TTL_MS = 10_000;
const COMMAND_TIMEOUT_MS = 10_000;
/** Pids whose answers are kept at most (the agents with a pid on this host). */
const MAX_CACHED = 1000;

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
  let owner: number;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    owner = statSync(`/proc/${pid}`).uid;
  } catch {
    return { alive: false };
  }
  // The command name (in parentheses) may hold spaces and parentheses: the fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // A zombie has exited; only its parent has not collected it yet. X: dead.
  if (fields[0] === 'Z' || fields[0] === 'X') return { alive: false };
  const sameUser = owner === process.getuid?.();
  const ticks = Number(fields[19]);
  const boot = bootTime();
  if (!Number.isFinite(ticks) || boot === undefined) return { alive: true, sameUser };
  return { alive: true, startedAt: boot + (ticks * 1000) / CLOCK_TICKS, sameUser };
}

/** The command that tells a process's owner and start time on `platform`; undefined where none is known. */
export function startTimeQuery(platform: NodeJS.Platform, pid: number): { file: string; args: string[]; env?: Record<string, string> } | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (platform === 'win32') {
    const script = `$p = Get-Process -Id ${pid} -ErrorAction SilentlyContinue; if ($p) { try { $p.StartTime.ToUniversalTime().ToString('o') } catch { 'denied' } }`;
    return { file: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-Command', script] };
  }
  if (platform === 'linux' || platform === 'android' || platform === 'aix' || platform === 'sunos') return undefined;
  // lstart is in the local time zone, in English month and day names under the C locale.
  return { file: 'ps', args: ['-o', 'uid=,lstart=', '-p', String(pid)], env: { LC_ALL: 'C' } };
}

/** Reads the answer of `startTimeQuery`: nothing at all means no such process. */
export function readStartTimeAnswer(platform: NodeJS.Platform, stdout: string, ownUid: number | undefined): ProcessStatus {
  const text = stdout.trim();
  if (text === '') return { alive: false };
  if (platform === 'win32') {
    if (text === 'denied') return { alive: true, sameUser: false };
    const at = Date.parse(text);
    return Number.isFinite(at) ? { alive: true, startedAt: at, sameUser: true } : { alive: true };
  }
  const match = /^(\d+)\s+(.+)$/.exec(text);
  if (match === null) return { alive: true };
  const at = Date.parse((match[2] as string).replace(/\s+/g, ' '));
  return { alive: true, sameUser: ownUid === undefined ? undefined : Number(match[1]) === ownUid, ...(Number.isFinite(at) ? { startedAt: at } : {}) };
}

/** Whether a pid exists (EPERM: it does, someone else's). */
function signalAlive(pid: number): { alive: boolean; permitted: boolean } {
  try {
    process.kill(pid, 0);
    return { alive: true, permitted: true };
  } catch (error) {
    return { alive: (error as NodeJS.ErrnoException).code === 'EPERM', permitted: false };
  }
}

type Runner = (query: NonNullable<ReturnType<typeof startTimeQuery>>) => Promise<string>;

const runQuery: Runner = (query) =>
  new Promise((resolve) => {
    execFile(query.file, query.args, { timeout: COMMAND_TIMEOUT_MS, windowsHide: true, env: { ...process.env, ...query.env } }, (_error, stdout) => resolve(String(stdout)));
  });

/**
 * The probe of platforms without procfs: a signal says whether the pid exists, now; the owner and start time are the
 * command's last answer (asked again in the background once it is older than a few seconds). Until the first answer
 * the start time is unknown, which the liveness rules treat as "no guard yet", not as "another process".
 */
export function commandProbe(platform: NodeJS.Platform, run: Runner = runQuery, now: () => number = Date.now): ProcessProbe {
  const answers = new Map<number, { at: number; status: ProcessStatus; asking: boolean }>();
  const ownUid = process.getuid?.();
  const ask = (pid: number): void => {
    const query = startTimeQuery(platform, pid);
    const entry = answers.get(pid) ?? { at: 0, status: { alive: true } as ProcessStatus, asking: false };
    if (query === undefined || entry.asking) return;
    entry.asking = true;
    answers.delete(pid);
    answers.set(pid, entry);
    if (answers.size > MAX_CACHED) answers.delete(answers.keys().next().value as number);
    void run(query).then((stdout) => {
      entry.asking = false;
      entry.at = now();
      entry.status = readStartTimeAnswer(platform, stdout, ownUid);
    });
  };
  return (pid) => {
    const signal = signalAlive(pid);
    if (!signal.alive) return { alive: false };
    const entry = answers.get(pid);
    if (entry === undefined || now() - entry.at > COMMAND_ANSWER_TTL_MS) ask(pid);
    const known = entry?.at ? entry.status : undefined;
    if (known === undefined || !known.alive) return { alive: true, ...(signal.permitted ? {} : { sameUser: false }) };
    return { ...known, ...(signal.permitted ? {} : { sameUser: false }) };
  };
}

/** The probe for `platform`: procfs on Linux, the platform's command elsewhere. */
export function processProbeFor(platform: NodeJS.Platform): ProcessProbe {
  return platform === 'linux' ? procfsProbe : commandProbe(platform);
}

export const systemProcessProbe: ProcessProbe = processProbeFor(process.platform);
