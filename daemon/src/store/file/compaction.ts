/**
 * Which log lines a compaction keeps. Events of tasks retention removed go but for their `task.deleted` lines (kept
 * until a later run, by when registry snapshots without the tasks are long on disk); what earlier runs left goes
 * (`task.deleted` lines and other events of tasks no longer in the registry); inbox cursor records superseded by a
 * newer one go, and idempotency records past their lifetime. Live tasks' events are never touched.
 */
import type { TrackerEvent } from '../../protocol/index.js';
import { IDEMPOTENCY_TTL_MS } from '../records.js';
import { forEachLine, type Segment } from './journal.js';
import { recordsOf, type RecordLine } from './recovery.js';

export function compactionFilter(
  segments: readonly Segment[],
  removed: ReadonlySet<string>,
  hasTask: (id: string) => boolean,
  now: number,
): (line: string) => boolean {
  const newestInbox = newestInboxRevs(segments);
  const idempotencyCutoff = now - IDEMPOTENCY_TTL_MS;
  return (line) => {
    const parsed = JSON.parse(line) as Partial<TrackerEvent> & RecordLine;
    if (typeof parsed.seq === 'number') {
      const taskId = parsed.taskId;
      if (taskId === undefined) return true;
      if (removed.has(taskId)) return parsed.type === 'task.deleted';
      return hasTask(taskId);
    }
    // A record of a unit goes only once nothing in it is kept.
    const inbox = recordsOf(parsed.inbox);
    const idempotency = recordsOf(parsed.idempotency);
    const keepInbox = inbox.some((cursor) => cursor.rev >= (newestInbox.get(cursor.file) ?? 0));
    const keepIdempotency = idempotency.some((record) => Date.parse(record.at) >= idempotencyCutoff);
    return keepInbox || keepIdempotency || (inbox.length === 0 && idempotency.length === 0);
  };
}

/**
 * The newest cursor record of each inbox file in the log, read before the compaction: a record appended meanwhile has
 * a higher rev still, so it is kept too.
 */
function newestInboxRevs(segments: readonly Segment[]): Map<string, number> {
  const newest = new Map<string, number>();
  for (const segment of segments) {
    forEachLine(segment.path, (bytes, start, end) => {
      const line = bytes.toString('utf8', start, end);
      if (!line.includes('"inbox"')) return;
      const record = JSON.parse(line) as RecordLine & { seq?: unknown };
      if (record.seq !== undefined) return;
      for (const cursor of recordsOf(record.inbox)) newest.set(cursor.file, Math.max(newest.get(cursor.file) ?? 0, cursor.rev));
    });
  }
  return newest;
}
