/**
 * Rebuilds the registry at start: the snapshot, then the log. Every line is seen once (the journal indexes each event's
 * place as it goes, so histories are served from disk later); only the events past the snapshot's seq are parsed and
 * folded in, and the claims before it, whose lease length a heartbeat renews by.
 */
import { EventSchema, type TrackerEvent } from '../../protocol/index.js';
import { TrackerState } from '../state.js';
import type { IdempotencyRecord, InboxCursor } from '../store.js';
import type { Journal } from './journal.js';
import type { Registry } from './snapshot.js';

export interface RecoveryReport {
  snapshotSeq: number;
  replayed: number;
  seq: number;
  problems: string[];
}

/** A bookkeeping line of the log (see journal.ts): never has a `seq`. */
export interface RecordLine {
  idempotency?: IdempotencyRecord;
  inbox?: InboxCursor;
}

export async function recover(registry: Registry, journal: Journal): Promise<{ state: TrackerState; report: RecoveryReport }> {
  const state = new TrackerState();
  const { data, problem } = await registry.read();
  const problems = problem ? [problem] : [];
  if (data) {
    for (const task of Object.values(data.tasks)) state.loadTask(task);
    for (const agent of Object.values(data.agents)) state.loadAgent(agent);
    for (const record of Object.values(data.idempotency)) state.idempotency.set(record.key, record);
    for (const cursor of Object.values(data.inbox)) state.inbox.set(cursor.file, cursor);
    state.seq = data.meta.seq;
  }
  const snapshotSeq = state.seq;
  let replayed = 0;
  journal.scan((meta, text, segment, lineNo) => {
    if (meta && meta.seq <= snapshotSeq) {
      // Only a lease still held needs its length (a heartbeat renews it by as much).
      if (meta.type === 'task.claimed' && meta.taskId !== undefined && state.tasks.get(meta.taskId)?.lease) {
        state.rememberClaim(parseLine(text(), segment.path, lineNo) as TrackerEvent);
      }
      return;
    }
    const parsed = parseLine(text(), segment.path, lineNo);
    if (meta) {
      const event = EventSchema.safeParse(parsed);
      if (!event.success) throw new Error(`event log ${segment.path} line ${lineNo} is not a valid event`);
      state.apply(event.data);
      replayed++;
    } else {
      applyRecord(state, parsed as RecordLine);
    }
  });
  return { state, report: { snapshotSeq, replayed, seq: state.seq, problems } };
}

function parseLine(line: string, path: string, lineNo: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`event log ${path} line ${lineNo} is not JSON; refusing to guess what it held`);
  }
}

function applyRecord(state: TrackerState, record: RecordLine): void {
  if (record.idempotency && !state.idempotency.has(record.idempotency.key)) {
    state.idempotency.set(record.idempotency.key, record.idempotency);
  }
  if (record.inbox) {
    const current = state.inbox.get(record.inbox.file);
    if (!current || record.inbox.rev > current.rev) state.inbox.set(record.inbox.file, record.inbox);
  }
}
