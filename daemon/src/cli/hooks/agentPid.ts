/**
 * Which process is the agent: Claude Code names itself (`CLAUDE_PID`); otherwise it is the nearest ancestor of the
 * forwarder that is not a shell (agents run hooks through `sh -c`, `bash -c`, or a launcher script). Read from
 * /proc where there is one, else from `ps`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'fish', 'ash', 'busybox', 'env', 'agent-tracker-h']);
const MAX_DEPTH = 8;

export function agentProcessId(env: NodeJS.ProcessEnv): number | undefined {
  const named = Number(env['CLAUDE_PID']);
  if (Number.isInteger(named) && named > 1) return named;
  let pid = process.ppid;
  for (let depth = 0; depth < MAX_DEPTH && pid > 1; depth++) {
    const parent = processInfo(pid);
    if (parent === undefined) return undefined;
    if (!SHELLS.has(parent.name)) return pid;
    pid = parent.ppid;
  }
  return undefined;
}

function processInfo(pid: number): { name: string; ppid: number } | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return { name, ppid };
  } catch {
    return processInfoFromPs(pid);
  }
}

function processInfoFromPs(pid: number): { name: string; ppid: number } | undefined {
  if (process.platform === 'linux' || process.platform === 'win32') return undefined;
  try {
    const out = execFileSync('ps', ['-o', 'ppid=,comm=', '-p', String(pid)], { encoding: 'utf8', timeout: 1000 }).trim();
    const match = /^(\d+)\s+(.*)$/.exec(out);
    if (match === null) return undefined;
    const name = (match[2] ?? '').split('/').pop() ?? '';
    return { name: name.replace(/^-/, ''), ppid: Number(match[1]) };
  } catch {
    return undefined;
  }
}
