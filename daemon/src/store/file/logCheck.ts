/**
 * `agent-tracker doctor` and `agent-tracker repair`: the way out when the daemon refuses a damaged event log.
 *
 * `checkHome` reads the home without changing anything: every line of every segment (each must be a valid event, a
 * bookkeeping record or a commit marker), what follows the last commit marker, and whether registry.json agrees with
 * the log. `repairHome` (only with no daemon running) keeps every good line: each damaged segment is copied aside
 * whole (`<segment>.damaged-<time>`, so no byte is lost), then rewritten without its damaged lines; an unfinished last
 * write is cut as the daemon's start would cut it. A snapshot that disagrees with the log needs no repair: the daemon
 * rebuilds it from the log.
 */
import { copyFileSync } from 'node:fs';
import { basename } from 'node:path';
import { EventSchema } from '../../protocol/index.js';
import type { HomePaths } from '../../home.js';
import { inspectTail, isCommitMarker, Journal, listSegments, markerSeq, readLines, type TailCut } from './journal.js';
import { HomeLock } from './lock.js';
import { Registry } from './snapshot.js';

export interface DamagedLine {
  segment: string;
  /** 1-based, counting the segment's non-empty lines (as the daemon's refusal does). */
  line: number;
  problem: string;
  /** The line's first characters, to recognise it. */
  preview: string;
  /** Whether the daemon refuses to start on it (an event the snapshot already holds is not checked at start). */
  refusesStart: boolean;
}

export interface HomeCheck {
  home: string;
  segments: number;
  events: number;
  /** The highest seq the log shows (events and commit markers). */
  lastSeq: number;
  damaged: DamagedLine[];
  /** Unfinished writes after the last commit marker of a segment: the daemon cuts them at its next start. */
  tails: TailCut[];
  registry: { ok: boolean; message: string };
  /** True when the daemon would refuse to start on this log: `repair` is the way out. */
  refusesToStart: boolean;
}

export interface RepairReport extends HomeCheck {
  /** Copies of the segments as they were before the repair. */
  backups: string[];
  /** Lines removed from the log (the damaged ones) and unfinished writes cut, as reported before the repair. */
  dropped: DamagedLine[];
  cut: TailCut[];
  /** The home as it is after the repair. */
  after: HomeCheck;
}

const PREVIEW_CHARS = 80;

export async function checkHome(paths: HomePaths): Promise<HomeCheck> {
  const segments = listSegments(paths.events);
  const damaged: DamagedLine[] = [];
  const invalidEventSeqs = new Map<number, number>();
  const tails: TailCut[] = [];
  let events = 0;
  let lastSeq = 0;
  for (const segment of segments) {
    const tail = inspectTail(segment.path);
    if (tail) tails.push(tail);
    // The unfinished write is reported as such, not line by line: the lines before it are the log.
    const kept = tail ? countLines(segment.path) - tail.lines : Number.POSITIVE_INFINITY;
    let lineNo = 0;
    for (const line of readLines(segment.path)) {
      if (++lineNo > kept) break;
      if (isCommitMarker(line)) {
        lastSeq = Math.max(lastSeq, markerSeq(line));
        continue;
      }
      const verdict = judgeLine(line);
      if (verdict.problem !== undefined) {
        const entry = { segment: segment.path, line: lineNo, problem: verdict.problem, preview: line.slice(0, PREVIEW_CHARS) };
        damaged.push({ ...entry, refusesStart: true });
        if (verdict.seq !== undefined) invalidEventSeqs.set(damaged.length - 1, verdict.seq);
      } else if (verdict.seq !== undefined) {
        events++;
        lastSeq = Math.max(lastSeq, verdict.seq);
      }
    }
  }
  const { registry, snapshotSeq } = await checkRegistry(paths, lastSeq);
  // Start-up checks the events past the snapshot it uses; those below were checked when they were written.
  for (const [index, seq] of invalidEventSeqs) (damaged[index] as DamagedLine).refusesStart = seq > snapshotSeq;
  const refusesToStart = damaged.some((line) => line.refusesStart);
  return { home: paths.home, segments: segments.length, events, lastSeq, damaged, tails, registry, refusesToStart };
}

/** Keeps every good line of the log; refuses while a daemon runs on the home. */
export async function repairHome(paths: HomePaths, now: Date = new Date()): Promise<RepairReport> {
  const lock = HomeLock.acquire(paths.lock, paths.home);
  try {
    const before = await checkHome(paths);
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const touched = new Set([...before.damaged.map((d) => d.segment), ...before.tails.map((t) => t.path)]);
    const backups: string[] = [];
    for (const path of touched) {
      const backup = `${path}.damaged-${stamp}`;
      copyFileSync(path, backup);
      backups.push(backup);
    }
    if (touched.size > 0) {
      // Opening the log cuts the unfinished last write; the rewrite keeps exactly the lines judged good.
      const journal = await Journal.open(paths.events);
      try {
        await journal.rewrite((line) => judgeLine(line).problem === undefined);
      } finally {
        await journal.close();
      }
    }
    const after = await checkHome(paths);
    return { ...before, backups, dropped: before.damaged, cut: before.tails, after };
  } finally {
    lock.release();
  }
}

/** One line for each finding, for people. */
export function describeCheck(check: HomeCheck): string[] {
  const lines = [
    `home      ${check.home}`,
    `log       ${check.segments} segment${check.segments === 1 ? '' : 's'}, ${check.events} events, up to seq ${check.lastSeq}`,
    `damaged   ${check.damaged.length === 0 ? 'none' : `${check.damaged.length} line${check.damaged.length === 1 ? '' : 's'}`}`,
    ...check.damaged.map((d) => `  ${basename(d.segment)} line ${d.line}: ${d.problem}: ${JSON.stringify(d.preview)}`),
    `unfinished ${check.tails.length === 0 ? 'none' : ''}`.trimEnd(),
    ...check.tails.map(
      (t) =>
        `  ${basename(t.path)}: ${t.bytes} bytes after its last commit marker (${t.lines} line${t.lines === 1 ? '' : 's'}` +
        `${t.torn ? ', the last one torn' : ''}${t.seqs.length ? `; events seq ${t.seqs.join(', ')}` : ''}): cut at the next start`,
    ),
    `registry  ${check.registry.message}`,
  ];
  return lines;
}

function countLines(path: string): number {
  let count = 0;
  for (const _line of readLines(path)) count++;
  return count;
}

function judgeLine(line: string): { seq?: number; problem?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { problem: 'not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { problem: 'not an event or a record' };
  const seq = (parsed as { seq?: unknown }).seq;
  // Any other object is a bookkeeping record, as start-up reads it.
  if (typeof seq !== 'number') return {};
  const event = EventSchema.safeParse(parsed);
  if (!event.success) {
    const issue = event.error.issues[0];
    return { seq, problem: `not a valid event (seq ${seq}${issue ? `; ${issue.path.join('.') || 'event'}: ${issue.message}` : ''})` };
  }
  return { seq };
}

/** The snapshot's state, and the seq start-up would replay the log from (0: the log alone). */
async function checkRegistry(paths: HomePaths, lastSeq: number): Promise<{ registry: HomeCheck['registry']; snapshotSeq: number }> {
  const { data, problem } = await new Registry(paths.registry).read();
  if (problem) return { registry: { ok: false, message: problem }, snapshotSeq: 0 };
  if (!data) return { registry: { ok: true, message: 'none (the log alone rebuilds the registry)' }, snapshotSeq: 0 };
  if (data.meta.seq > lastSeq) {
    const message = `registry.json claims seq ${data.meta.seq} but the event log ends at ${lastSeq}; the next start rebuilds it from the log`;
    return { registry: { ok: false, message }, snapshotSeq: 0 };
  }
  return { registry: { ok: true, message: `ok (seq ${data.meta.seq}, saved ${data.meta.savedAt})` }, snapshotSeq: data.meta.seq };
}
