/**
 * Where each durable event lies in the log: for every segment, the seq and byte range of each event line, in seq order;
 * for every task, the seqs of its history. About 30 bytes per event instead of the event itself, so the feed, stream
 * catch-up and task histories are read from the segments on demand and memory does not grow with the history.
 */

/** One event line's place: its segment, and its bytes [start, end) without the newline. */
export interface EventPosition {
  segment: SegmentIndex;
  start: number;
  end: number;
  seq: number;
}

const INITIAL_CAPACITY = 1024;
/** Three numbers per line: its seq, its first byte and the byte past it. */
const STRIDE = 3;

/** The event lines of one segment, in seq order, in one growable typed array. */
export class SegmentIndex {
  private entries: Float64Array<ArrayBuffer>;
  count = 0;

  /** `capacity`: the lines expected (a scan knows the segment's size), so that the array is not grown line by line. */
  constructor(
    readonly firstSeq: number,
    readonly path: string,
    capacity = INITIAL_CAPACITY,
  ) {
    this.entries = new Float64Array(Math.max(1, capacity) * STRIDE);
  }

  add(seq: number, start: number, end: number): void {
    let at = this.count * STRIDE;
    if (at === this.entries.length) {
      const bigger = new Float64Array(this.entries.length * 2);
      bigger.set(this.entries);
      this.entries = bigger;
    }
    this.entries[at++] = seq;
    this.entries[at++] = start;
    this.entries[at] = end;
    this.count++;
  }

  /** Gives back what a generous capacity left unused. */
  trim(): void {
    if (this.entries.length > Math.max(INITIAL_CAPACITY, this.count * 1.25) * STRIDE) this.entries = this.entries.slice(0, this.count * STRIDE);
  }

  seqAt(i: number): number {
    return this.entries[i * STRIDE] as number;
  }

  position(i: number): EventPosition {
    const at = i * STRIDE;
    return { segment: this, start: this.entries[at + 1] as number, end: this.entries[at + 2] as number, seq: this.entries[at] as number };
  }

  /** The first index whose seq is > after. */
  firstAfter(after: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqAt(mid) <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The index of exactly this seq, or -1. */
  indexOf(seq: number): number {
    const i = this.firstAfter(seq - 1);
    return i < this.count && this.seqAt(i) === seq ? i : -1;
  }

  get lastSeq(): number {
    return this.count === 0 ? 0 : this.seqAt(this.count - 1);
  }

  bytes(): number {
    return this.entries.byteLength;
  }
}

export class EventIndex {
  segments: SegmentIndex[] = [];
  /**
   * Each task's history as seqs, in order; a `task.created` starts it anew (an id used again is a new task). A history
   * of one event is kept as its seq, a list only from the second: most tasks of a bulk import never get another event,
   * and an array each would be a third of what the index holds per task.
   */
  private readonly byTask = new Map<string, number | number[]>();

  clear(): void {
    this.segments = [];
    this.byTask.clear();
  }

  segmentFor(firstSeq: number, path: string, capacity?: number): SegmentIndex {
    const last = this.segments.at(-1);
    if (last?.path === path) return last;
    const segment = new SegmentIndex(firstSeq, path, capacity);
    this.segments.push(segment);
    return segment;
  }

  add(segment: SegmentIndex, seq: number, start: number, end: number, taskId: string | undefined, created: boolean): void {
    segment.add(seq, start, end);
    if (taskId === undefined) return;
    const seqs = created ? undefined : this.byTask.get(taskId);
    if (seqs === undefined) this.byTask.set(taskId, seq);
    else if (typeof seqs === 'number') this.byTask.set(taskId, [seqs, seq]);
    else seqs.push(seq);
  }

  hasTask(taskId: string): boolean {
    return this.byTask.has(taskId);
  }

  taskIds(): IterableIterator<string> {
    return this.byTask.keys();
  }

  forgetTask(taskId: string): void {
    this.byTask.delete(taskId);
  }

  /**
   * Positions of events with seq > after, at most `limit`, up to seq `upTo`, in seq order, and no more than reach
   * `maxBytes` of lines (see withinBytes).
   */
  after(after: number, limit: number, upTo: number, maxBytes = Number.POSITIVE_INFINITY): EventPosition[] {
    const out: EventPosition[] = [];
    let s = this.segmentIndexAfter(after);
    if (s < 0) return out;
    let i = (this.segments[s] as SegmentIndex).firstAfter(after);
    let bytes = 0;
    while (s < this.segments.length && out.length < limit && bytes < maxBytes) {
      const segment = this.segments[s] as SegmentIndex;
      for (; i < segment.count && out.length < limit && bytes < maxBytes; i++) {
        if (segment.seqAt(i) > upTo) return out;
        const position = segment.position(i);
        bytes += position.end - position.start;
        out.push(position);
      }
      s++;
      i = 0;
    }
    return out;
  }

  /** Positions of a task's events with seq > after, at most `limit`; undefined for a task with no history. */
  taskPositions(taskId: string, after: number, limit: number): EventPosition[] | undefined {
    const history = this.byTask.get(taskId);
    if (history === undefined) return undefined;
    const out: EventPosition[] = [];
    for (const seq of typeof history === 'number' ? [history] : history) {
      if (out.length >= limit) break;
      if (seq <= after) continue;
      const position = this.locate(seq);
      if (position) out.push(position);
    }
    return out;
  }

  private locate(seq: number): EventPosition | undefined {
    const s = this.segmentIndexAfter(seq - 1);
    const segment = s < 0 ? undefined : this.segments[s];
    const i = segment ? segment.indexOf(seq) : -1;
    return segment && i >= 0 ? segment.position(i) : undefined;
  }

  /** The segment holding the first event with seq > after, or -1 when there is none. */
  private segmentIndexAfter(after: number): number {
    for (let s = 0; s < this.segments.length; s++) {
      if ((this.segments[s] as SegmentIndex).lastSeq > after) return s;
    }
    return -1;
  }

  /** Replaces a rewritten segment's entries (compaction). */
  replaceSegment(path: string, replacement: SegmentIndex): void {
    const at = this.segments.findIndex((segment) => segment.path === path);
    if (at >= 0) this.segments[at] = replacement;
  }

  /** Keeps the histories of the tasks `keep` accepts (after a compaction dropped the others' events). */
  pruneTaskHistories(keep: (taskId: string) => boolean): void {
    for (const taskId of [...this.byTask.keys()]) if (!keep(taskId)) this.byTask.delete(taskId);
  }

  bytes(): number {
    let total = 0;
    for (const segment of this.segments) total += segment.bytes();
    for (const seqs of this.byTask.values()) total += typeof seqs === 'number' ? 8 : seqs.length * 8;
    return total;
  }
}
