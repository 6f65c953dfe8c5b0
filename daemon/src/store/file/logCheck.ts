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
import type { HomePaths } from '../../home/home.js';
import { inspectTail, isCommitMarker, isRewrittenRecord, Journal, listSegments, markerSeq, readLines, type TailCut } from './journal.js';
import { HomeLock } from '../../home/lock.js';
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

/** Events a write committed that are no longer in the log: a line lost from the middle of a segment. */
export interface MissingEvents {
  segment: string;
  /** The 1-based line where the gap shows (the line after it, or the write's commit marker). */
  line: number;
  /** The first and last seq missing. */
  from: number;
  to: number;
}

export interface HomeCheck {
  home: string;
  segments: number;
  events: number;
  /** The highest seq the log shows (events and commit markers). */
  lastSeq: number;
  /** Lines that are not a valid event or record, and second copies of an event: `repair` drops them. */
  damaged: DamagedLine[];
  /** Gaps in the seqs that a write's commit marker says were written: nothing can bring those events back. */
  missing: MissingEvents[];
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
  const continuity = new SeqContinuity();
  let events = 0;
  let lastSeq = 0;
  for (const segment of segments) {
    const tail = inspectTail(segment.path);
    if (tail) tails.push(tail);
    // The unfinished write is reported as such, not line by line: the lines before it are the log.
    const kept = tail ? countLines(segment.path) - tail.lines : Number.POSITIVE_INFINITY;
    continuity.startSegment(segment.path);
    let lineNo = 0;
    for (const line of readLines(segment.path)) {
      if (++lineNo > kept) break;
      if (isCommitMarker(line)) {
        lastSeq = Math.max(lastSeq, markerSeq(line));
        continuity.commit(markerSeq(line), lineNo);
        continue;
      }
      if (isRewrittenRecord(line)) continuity.rewritten();
      const verdict = judgeLine(line);
      const entry = { segment: segment.path, line: lineNo, preview: line.slice(0, PREVIEW_CHARS) };
      if (verdict.problem !== undefined) {
        damaged.push({ ...entry, problem: verdict.problem, refusesStart: true });
        if (verdict.seq !== undefined) invalidEventSeqs.set(damaged.length - 1, verdict.seq);
      } else if (verdict.seq !== undefined) {
        const first = continuity.event(verdict.seq, lineNo);
        if (first) {
          damaged.push({ ...entry, problem: `a second copy of seq ${verdict.seq} (first at ${basename(first.segment)} line ${first.line})`, refusesStart: false });
          continue;
        }
        events++;
        lastSeq = Math.max(lastSeq, verdict.seq);
      }
    }
  }
  const { registry, snapshotSeq } = await checkRegistry(paths, lastSeq);
  // Start-up checks the events past the snapshot it uses; those below were checked when they were written.
  for (const [index, seq] of invalidEventSeqs) (damaged[index] as DamagedLine).refusesStart = seq > snapshotSeq;
  const refusesToStart = damaged.some((line) => line.refusesStart);
  return { home: paths.home, segments: segments.length, events, lastSeq, damaged, missing: continuity.missing, tails, registry, refusesToStart };
}

/**
 * Seq continuity, write by write: a write appends its events with consecutive seqs after the seq the log had reached,
 * then a commit marker naming its last seq. So between two markers the seqs run on without a gap, from the previous
 * marker's seq + 1 to this one's; a gap is a lost line and a seq seen before is a duplicated one. A segment rewritten
 * by a compaction or a repair legitimately has gaps (removed tasks' events): it carries a `rewritten` record before
 * its marker. The first write of each segment is not held to the gap rule either: compactions before that record
 * existed left no mark.
 */
class SeqContinuity {
  readonly missing: MissingEvents[] = [];
  private readonly seen = new Map<number, { segment: string; line: number }>();
  private committed = 0;
  private segment = '';
  private firstWrite = true;
  private lenient = false;
  private writeSeqs: { seq: number; line: number }[] = [];

  startSegment(path: string): void {
    this.segment = path;
    this.firstWrite = true;
    this.lenient = false;
    this.writeSeqs = [];
  }

  rewritten(): void {
    this.lenient = true;
  }

  /** Notes an event; returns where it was seen first when this is a second copy. */
  event(seq: number, line: number): { segment: string; line: number } | undefined {
    const first = this.seen.get(seq);
    if (first) return first;
    this.seen.set(seq, { segment: this.segment, line });
    this.writeSeqs.push({ seq, line });
    return undefined;
  }

  commit(markerSeq: number, line: number): void {
    if (!this.lenient && !this.firstWrite) {
      let expected = this.committed + 1;
      for (const event of this.writeSeqs) {
        if (event.seq > expected) this.gap(expected, event.seq - 1, event.line);
        expected = Math.max(expected, event.seq + 1);
      }
      if (markerSeq >= expected) this.gap(expected, markerSeq, line);
    }
    this.committed = Math.max(this.committed, markerSeq);
    this.firstWrite = false;
    this.lenient = false;
    this.writeSeqs = [];
  }

  private gap(from: number, to: number, line: number): void {
    this.missing.push({ segment: this.segment, line, from, to });
  }
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
      // Segments are rewritten in order, their lines in order: the first copy of an event is the one kept.
      const kept = new Set<number>();
      try {
        await journal.rewrite((line) => {
          const { seq, problem } = judgeLine(line);
          if (problem !== undefined || (seq !== undefined && kept.has(seq))) return false;
          if (seq !== undefined) kept.add(seq);
          return true;
        });
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
    `missing   ${check.missing.length === 0 ? 'none' : `${check.missing.reduce((n, m) => n + m.to - m.from + 1, 0)} events`}`,
    ...check.missing.map(
      (m) => `  ${basename(m.segment)} before line ${m.line}: ${m.from === m.to ? `seq ${m.from}` : `seqs ${m.from}-${m.to}`} committed but no longer in the log`,
    ),
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
