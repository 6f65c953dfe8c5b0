/**
 * The drop folder `<home>/inbox/*.jsonl`: agents append command lines, the daemon applies each complete line once.
 *
 * chokidar says when a file changed, but one change event per append is not guaranteed (appends coalesce, watchers
 * miss events on some file systems), so every event means "read this file to its end", and the whole folder is
 * rescanned every second anyway. Reads of one file never overlap: a wake-up during a read just asks for another pass.
 *
 * Only regular files of the folder itself are read (links, FIFOs and devices are refused unopened, see fileReader.ts),
 * at most `maxOpenFiles` at a time, so a folder of thousands of files never exhausts the process's descriptors; if
 * they run out anyway (other work, a low `ulimit -n`), the pass is given up and the next rescan takes it up again.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { describeError, MAX_BODY_BYTES } from '../protocol/index.js';
import type { Tracker } from '../engine/tracker.js';
import type { HookPayloads } from '../engine/activity/hookPayloads.js';
import { isInboxFileName } from '../store/records.js';
import type { Logger } from '../common/logger.js';
import { DescriptorsExhausted, FileReader, type LineOutcome, type ReaderMemory, type ReaderTuning } from './fileReader.js';

export interface InboxTuning extends ReaderTuning {
  rescanIntervalMs: number;
  /** Invalid lines logged one by one per pass over a file; the rest are summed up in one line. */
  logLimit: number;
  /** Files read at the same time (each holds one descriptor while it is read). */
  maxOpenFiles: number;
  /** How long start() waits for the watcher's first scan; the rescan covers the folder meanwhile and after. */
  watcherReadyMs: number;
}

export const DEFAULT_INBOX_TUNING: InboxTuning = {
  rescanIntervalMs: 1000,
  chunkBytes: MAX_BODY_BYTES + 1,
  maxLineBytes: MAX_BODY_BYTES,
  logLimit: 20,
  maxOpenFiles: 16,
  watcherReadyMs: 5000,
};

export interface InboxCounters {
  files: number;
  linesApplied: number;
  linesInvalid: number;
  linesDuplicate: number;
  /** Names in the folder that are not regular files (links, FIFOs, devices): never opened. */
  filesRefused: number;
  lastError: { file: string; offset: number; message: string; at: string } | null;
}

interface FileState {
  memory: ReaderMemory;
  /** Waiting for a free reading slot. */
  queued: boolean;
  running: Promise<void> | undefined;
  again: boolean;
  loggedInPass: number;
}


export class Inbox {
  private readonly files = new Map<string, FileState>();
  /** Files woken while every reading slot was taken, in the order they asked. */
  private readonly queue: string[] = [];
  private reading = 0;
  private outOfDescriptors = false;
  private readonly reader: FileReader;
  private readonly tuning: InboxTuning;
  private readonly dir: string;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastScanProblem: string | undefined;
  private readonly counts: Omit<InboxCounters, 'files'> = {
    linesApplied: 0,
    linesInvalid: 0,
    linesDuplicate: 0,
    filesRefused: 0,
    lastError: null,
  };

  constructor(
    private readonly tracker: Tracker,
    hooks: HookPayloads | undefined,
    dir: string,
    private readonly log: Logger,
    tuning: Partial<InboxTuning> = {},
  ) {
    this.dir = resolve(dir);
    this.tuning = { ...DEFAULT_INBOX_TUNING, ...tuning };
    this.reader = new FileReader(tracker, hooks, this.dir, this.tuning, {
      line: (outcome, file, offset, problem) => this.count(outcome, file, offset, problem),
      restarted: (file, why) => this.log.info(`inbox ${file}: ${why}; reading it from its start`),
      refused: (file, kind) => {
        this.counts.filesRefused++;
        this.log.warn(`inbox ${file} is ${kind}, not a regular file: never opened`);
      },
    });
  }

  /**
   * Starts reading what is already there (also what was appended while the daemon was down) and follows changes.
   * Does not wait for the reading: `idle()` does.
   */
  async start(): Promise<void> {
    await this.rescan();
    // The rescan runs whatever the watcher does: a watcher that fails (no descriptors, no inotify watches left) or is
    // slow to get ready only makes the inbox less prompt, never stalls it.
    this.timer = setInterval(() => void this.rescan(), this.tuning.rescanIntervalMs);
    this.timer.unref();
    const watcher = watch(this.dir, { ignoreInitial: true, depth: 0, persistent: true, followSymlinks: false });
    this.watcher = watcher;
    watcher.on('all', (_event, path) => {
      if (dirname(resolve(path)) === this.dir && isInboxFileName(basename(path))) this.wake(basename(path));
    });
    watcher.on('error', (error) => this.log.warn(`inbox watcher: ${describeError(error)}`));
    // Changes are reported only once the watcher is set up; until then the rescan covers them.
    let timer: NodeJS.Timeout | undefined;
    const ready = await Promise.race([
      new Promise<boolean>((resolve) => watcher.once('ready', () => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.tuning.watcherReadyMs))),
    ]);
    clearTimeout(timer);
    if (!ready) this.log.warn(`inbox watcher not ready after ${this.tuning.watcherReadyMs} ms; the folder is rescanned every ${this.tuning.rescanIntervalMs} ms`);
  }

  counters(): InboxCounters {
    return { files: this.files.size, ...this.counts };
  }

  /** Resolves once every file read so far is caught up (tests and benchmarks wait on it). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.files.values()].map((file) => file.running).filter((p) => p !== undefined);
      if (running.length === 0) return;
      await Promise.allSettled(running);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const name of this.queue.splice(0)) {
      const file = this.files.get(name);
      if (file) file.queued = false;
    }
    await this.watcher?.close();
    await this.idle();
  }

  /** Every `.jsonl` file present, and every file with a cursor (a deleted one loses its cursor). */
  private async rescan(): Promise<void> {
    if (this.closed) return;
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter(isInboxFileName);
    } catch (error) {
      // Logged once per distinct problem, not every second.
      const problem = `inbox ${this.dir} unreadable: ${describeError(error)}`;
      if (problem !== this.lastScanProblem) this.log.warn(problem);
      this.lastScanProblem = problem;
      return;
    }
    this.lastScanProblem = undefined;
    for (const name of names) this.wake(name);
    const present = new Set(names);
    for (const cursor of this.tracker.inboxCursors()) {
      // A cursor names a file of this folder; one that names a path (a restored backup's) is never followed.
      if (cursor.identity !== '' && !present.has(cursor.file) && isInboxFileName(cursor.file)) this.wake(cursor.file);
    }
  }

  private wake(name: string): void {
    if (this.closed) return;
    let file = this.files.get(name);
    if (!file) this.files.set(name, (file = { memory: {}, queued: false, running: undefined, again: false, loggedInPass: 0 }));
    if (file.running) {
      file.again = true;
      return;
    }
    if (file.queued) return;
    file.queued = true;
    this.queue.push(name);
    this.startReads();
  }

  /** Starts queued files while a reading slot is free. */
  private startReads(): void {
    while (!this.closed && this.reading < this.tuning.maxOpenFiles) {
      const name = this.queue.shift();
      if (name === undefined) return;
      const file = this.files.get(name);
      if (!file) continue;
      file.queued = false;
      this.reading++;
      file.running = this.drain(name, file).finally(() => {
        this.reading--;
        file.running = undefined;
        // A deleted file is forgotten here too (its cursor went with it), so many short-lived files leave nothing behind.
        if (!file.queued && !existsSync(join(this.dir, name))) this.files.delete(name);
        this.startReads();
      });
    }
  }

  private async drain(name: string, file: FileState): Promise<void> {
    do {
      file.again = false;
      file.loggedInPass = 0;
      try {
        await this.reader.readToEnd(name, file.memory, () => this.closed);
        this.outOfDescriptors = false;
      } catch (error) {
        if (error instanceof DescriptorsExhausted) {
          // Said once until a read succeeds again, not once per file and second.
          if (!this.outOfDescriptors) this.log.warn(`inbox: ${error.message}; files are read again on the next rescan`);
          this.outOfDescriptors = true;
          return;
        }
        // A failed write or read: the cursor in the registry is where the next pass resumes.
        this.log.warn(`inbox ${name}: ${describeError(error)}; will retry`);
        return;
      } finally {
        const more = file.loggedInPass - this.tuning.logLimit;
        if (more > 0) this.log.warn(`inbox ${name}: ${more} more invalid lines not shown`);
      }
    } while (file.again && !this.closed);
  }

  private count(outcome: LineOutcome, file: string, offset: number, problem?: string): void {
    if (outcome === 'applied') this.counts.linesApplied++;
    else if (outcome === 'duplicate') this.counts.linesDuplicate++;
    else {
      this.counts.linesInvalid++;
      const message = problem ?? 'invalid';
      this.counts.lastError = { file, offset, message, at: new Date().toISOString() };
      const state = this.files.get(file);
      const logged = state ? state.loggedInPass++ : 0;
      if (logged < this.tuning.logLimit) this.log.warn(`inbox ${file} line at byte ${offset} skipped: ${message}`);
    }
  }
}
