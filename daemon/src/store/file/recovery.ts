/** Rebuilds the registry at start: the snapshot, then every line of the log past the snapshot's seq. */
import { EventSchema, type TrackerEvent } from '../../protocol/index.js';
import { TrackerState } from '../state.js';
import type { IdempotencyRecord, InboxCursor } from '../store.js';
import { readLines, type Segment } from './journal.js';
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

export async function recover(
  registry: Registry,
  segments: readonly Segment[],
): Promise<{ state: TrackerState; report: RecoveryReport }> {
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
  // Every segment is read, also before the snapshot's seq: the feed and each task's history are served from memory.
  for (const segment of segments) {
    let lineNo = 0;
    for (const line of readLines(segment.path)) {
      lineNo++;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new Error(`event log ${segment.path} line ${lineNo} is not JSON; refusing to guess what it held`);
      }
      if (isEventLine(parsed)) {
        if (parsed.seq <= snapshotSeq) {
          state.indexEvent(parsed as TrackerEvent);
          continue;
        }
        const event = EventSchema.safeParse(parsed);
        if (!event.success) throw new Error(`event log ${segment.path} line ${lineNo} is not a valid event`);
        state.apply(event.data);
        replayed++;
      } else {
        applyRecord(state, parsed as RecordLine);
      }
    }
  }
  return { state, report: { snapshotSeq, replayed, seq: state.seq, problems } };
}

function isEventLine(value: unknown): value is { seq: number } {
  return typeof value === 'object' && value !== null && typeof (value as { seq?: unknown }).seq === 'number';
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
