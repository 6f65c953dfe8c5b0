/**
 * Running an installed hook command as agents run it: `sh -c '<command>'`, the payload on stdin, written whole, in
 * chunks with pauses, late, or never. The run is killed (SIGKILL) at `killAfterMs`, so a hanging forwarder fails its
 * test instead of hanging the suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';

export interface HookRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Spawn to exit. */
  ms: number;
}

/** How the agent writes the payload; it closes stdin itself when it is done (or never). */
export type Feed = string | ((stdin: Writable) => Promise<void>);

export function runThroughShell(command: string, env: NodeJS.ProcessEnv, feed: Feed, killAfterMs = 30_000): { child: ChildProcess; done: Promise<HookRun> } {
  const started = performance.now();
  const child = spawn('/bin/sh', ['-c', command], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // The forwarder may stop reading (deadline, enough read): a write after that is no failure of the test.
  child.stdin?.on('error', () => undefined);
  const done = new Promise<HookRun>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
  const stdin = child.stdin;
  if (typeof feed === 'string') stdin.end(feed);
  else void feed(stdin).catch(() => undefined);
  return { child, done };
}

/** Writes `text` in `pieces` parts with `pauseMs` between them, then closes. */
export function inChunks(text: string, pieces: number, pauseMs: number): Feed {
  return async (stdin) => {
    const bytes = Buffer.from(text);
    const size = Math.ceil(bytes.length / pieces);
    for (let at = 0; at < bytes.length; at += size) {
      stdin.write(bytes.subarray(at, at + size));
      await delay(pauseMs);
    }
    stdin.end();
  };
}

/** Writes `text` after `lateMs`, then closes. */
export function late(text: string, lateMs: number): Feed {
  return async (stdin) => {
    await delay(lateMs);
    stdin.end(text);
  };
}

/** Never writes and never closes (an agent that keeps the pipe open): the forwarder must not wait for it for good. */
export const silent: Feed = () => new Promise<void>(() => undefined);

/** Pids of running processes whose command line contains `needle` (to find a forwarder by its home's path). */
export function processesMatching(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (cmdline.includes(needle) && !/\) Z /.test(state)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}
