/**
 * A process's ancestors, read from /proc (Linux): how an agent's pid is matched to the VS Code terminal it runs in
 * (the terminal's shell is one of its ancestors). Elsewhere there is no /proc and nothing matches. No `vscode` here.
 */
import { readFile } from 'node:fs/promises';

/** Deepest chain followed: real ones are a handful of processes. */
const MAX_DEPTH = 64;

/** The parent pid in the text of /proc/<pid>/stat; the command name (2nd field) may hold spaces and parentheses. */
export function parentPidOfStat(stat: string): number | undefined {
  const end = stat.lastIndexOf(')');
  if (end < 0) return undefined;
  const fields = stat.slice(end + 1).trim().split(/\s+/);
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

export async function ancestorsOf(pid: number, readStat = defaultReadStat): Promise<number[]> {
  const chain: number[] = [];
  let current: number | undefined = pid;
  for (let depth = 0; current !== undefined && current > 1 && depth < MAX_DEPTH; depth += 1) {
    const stat = await readStat(current);
    if (stat === undefined) break;
    current = parentPidOfStat(stat);
    if (current === undefined || chain.includes(current)) break;
    chain.push(current);
  }
  return chain;
}

async function defaultReadStat(pid: number): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}
