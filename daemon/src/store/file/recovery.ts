/**
 * Rebuilds the registry at start: the snapshot, then the log. Every line is seen once (the journal indexes each event's
 * place as it goes, so histories are served from disk later); only the events past the snapshot's seq are parsed and
 * folded in, and the claims before it, whose lease length a heartbeat renews by. A snapshot that is unreadable, holds
 * bad values or claims more than the log is set aside with a warning and the log alone rebuilds everything; a damaged
 * line inside the log stops the start with the way out (doctor / repair).
 */
import { EventSchema, type TrackerEvent } from '../../protocol/index.js';
import { SUMMARY_EVENT_TYPES, TrackerState } from '../state.js';
import type { IdempotencyRecord, InboxCursor } from '../records.js';
import { isCommitMarker, markerSeq, type Journal } from './journal.js';
import type { Registry, RegistryData } from './snapshot.js';

export interface RecoveryReport {
  snapshotSeq: number;
  replayed: number;
  seq: number;
  problems: string[];
}

/**
 * A bookkeeping line of the log (see journal.ts): never has a `seq`. A unit of commits writes one, with a list of each
 * kind; logs written before units hold one record of each kind, not in a list.
 */
export interface RecordLine {
  idempotency?: IdempotencyRecord | IdempotencyRecord[];
  inbox?: InboxCursor | InboxCursor[];
}

/** A record line's entries of one kind, whichever shape it was written in. */
export function recordsOf<T>(entries: T | T[] | undefined): T[] {
  if (entries === undefined) return [];
  return Array.isArray(entries) ? entries : [entries];
}

/** What start-up says about a log line it refuses to guess about: where, and the way out. */
export class DamagedLogError extends Error {
  constructor(path: string, line: number, what: string) {
    super(
      `event log ${path} line ${line} ${what}; refusing to guess what it held. ` +
        '`agent-tracker doctor` lists every damaged line; `agent-tracker repair` keeps every good event and sets the rest aside',
    );
    this.name = 'DamagedLogError';
  }
}

export async function recover(registry: Registry, journal: Journal): Promise<{ state: TrackerState; report: RecoveryReport }> {
  const { data, problem } = await registry.read();
  const problems = problem ? [problem] : [];
  let replay = replayLog(data, journal);
  // The snapshot only saves replay time; one that claims more than the log holds (copied from elsewhere, edited, or
  // left over from a log that was removed) would hide every logged event below its seq. The log is the truth.
  if (data && replay.logSeq < data.meta.seq) {
    problems.push(`registry.json claims seq ${data.meta.seq} but the event log ends at ${replay.logSeq}; rebuilding from the log`);
    replay = replayLog(null, journal);
  }
  const { state, snapshotSeq, replayed } = replay;
  return { state, report: { snapshotSeq, replayed, seq: state.seq, problems } };
}

/** The snapshot (if any), then every line of the log; `logSeq` is the highest seq the log itself shows. */
function replayLog(data: RegistryData | null, journal: Journal) {
  const state = new TrackerState();
  if (data) {
    for (const task of Object.values(data.tasks)) state.loadTask(task);
    for (const agent of Object.values(data.agents)) state.loadAgent(agent);
    for (const record of Object.values(data.idempotency)) state.idempotency.set(record.key, record);
    for (const cursor of Object.values(data.inbox)) state.inbox.set(cursor.file, cursor);
    state.seq = data.meta.seq;
  }
  const snapshotSeq = state.seq;
  let replayed = 0;
  let logSeq = 0;
  journal.scan((meta, scanned) => {
    const { segment, lineNo } = scanned;
    if (meta) logSeq = Math.max(logSeq, meta.seq);
    if (meta && meta.seq <= snapshotSeq) {
      // Only a lease still held needs its length (a heartbeat renews it by as much).
      if (meta.type === 'task.claimed' && meta.taskId !== undefined && state.tasks.get(meta.taskId)?.lease) {
        state.rememberClaim(parseLine(scanned.text(), segment.path, lineNo) as TrackerEvent);
      }
      // Usage per day and budgets are not in the snapshot: their (few) events before it are read again.
      if (SUMMARY_EVENT_TYPES.has(meta.type)) state.recount(parseLine(scanned.text(), segment.path, lineNo) as TrackerEvent);
      // Nor are approvals: they are folded from their events.
      if (meta.type.startsWith('approval.')) state.foldApproval(parseLine(scanned.text(), segment.path, lineNo) as TrackerEvent);
      return;
    }
    const line = scanned.text();
    if (isCommitMarker(line)) {
      logSeq = Math.max(logSeq, markerSeq(line));
      return;
    }
    const parsed = parseLine(line, segment.path, lineNo);
    if (meta) {
      const event = EventSchema.safeParse(parsed);
      if (!event.success) throw new DamagedLogError(segment.path, lineNo, 'is not a valid event');
      state.apply(event.data);
      replayed++;
    } else if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      applyRecord(state, parsed);
    } else {
      throw new DamagedLogError(segment.path, lineNo, 'is neither an event nor a record');
    }
  });
  return { state, snapshotSeq, replayed, logSeq };
}

function parseLine(line: string, path: string, lineNo: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new DamagedLogError(path, lineNo, 'is not JSON');
  }
}

function applyRecord(state: TrackerState, record: RecordLine): void {
  for (const idempotency of recordsOf(record.idempotency)) {
    if (!state.idempotency.has(idempotency.key)) state.idempotency.set(idempotency.key, idempotency);
  }
  for (const inbox of recordsOf(record.inbox)) {
    const current = state.inbox.get(inbox.file);
    if (!current || inbox.rev > current.rev) state.inbox.set(inbox.file, inbox);
  }
}
