/**
 * The inbox against what a hostile or careless writer leaves in it: lines nested thousands of levels deep, links out
 * of the home, FIFOs, and more files than the process has descriptors. Every valid line is applied exactly once and
 * the daemon keeps answering (and stopping) on time.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { holdsFor, pollUntil } from '../../support/poll.js';
import {
  killDaemonProcess,
  startDaemonProcess,
  stopDaemonProcess,
  type DaemonProcess,
} from '../support/daemonProcess.js';
import type { HttpClient } from '../support/http.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';
import { startLiveDaemon, type LiveDaemon } from './liveDaemon.js';

interface InboxStats {
  linesApplied: number;
  linesInvalid: number;
  linesDuplicate: number;
  filesRefused: number;
  lastError: { file: string; message: string } | null;
}

async function inboxStats(http: HttpClient): Promise<InboxStats> {
  return (await http.ok(http.get<{ inbox: InboxStats }>('/v1/stats'))).inbox;
}

/** `{ "a": { "a": ... 1 } }`, `depth` objects deep, as JSON text (JSON.stringify itself overflows on thousands). */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Fails with `what` if `promise` has not settled within `ms` (a hung daemon must fail the test, not stall it). */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('live: inbox against hostile files', function () {
  let d: LiveDaemon;

  beforeEach(async () => {
    d = await startLiveDaemon();
  });
  afterEach(async () => {
    await d?.close();
  });

  it('refuses a line nested past the bound and never applies the good line before it again', async () => {
    await d.http.ok(d.http.post('/v1/tasks', { id: 'target', title: 'Target' }));
    const file = join(d.home, 'inbox', 'deep.jsonl');
    const good = JSON.stringify({ op: 'log', taskId: 'target', message: 'good line' });
    const deep = `{"op":"create","taskId":"deep","title":"Deep","input":${nestedJson(5000)}}`;
    appendFileSync(file, `${good}\n${deep}\n`);
    const stats = await pollUntil('both lines read', async () => {
      const s = await inboxStats(d.http);
      return s.linesApplied + s.linesInvalid === 2 ? s : undefined;
    });
    assert.deepEqual([stats.linesApplied, stats.linesInvalid], [1, 1]);
    assert.match(stats.lastError?.message ?? '', /nested deeper than/);
    // Several rescans later (one a second), the good line has still been applied once.
    const logLines = async () => {
      const { items } = await d.http.ok(d.http.get<{ items: TrackerEvent[] }>('/v1/tasks/target/events'));
      return items.filter((e) => e.type === 'task.log').length;
    };
    await holdsFor('the good line applied once', async () => (await logLines()) === 1, 2500);
    expectNoTask(await d.http.get('/v1/tasks/deep'));
    const list = await d.http.ok(d.http.get<{ items: Task[] }>('/v1/tasks?limit=100'));
    assert.deepEqual(list.items.map((t) => t.id), ['target']);
    // And across a restart.
    const home = d.home;
    await d.stop();
    d = await startLiveDaemon({ home });
    await holdsFor('the good line applied once after a restart', async () => (await logLines()) === 1, 2500);
  });

  it('never follows a link out of the inbox, and says so once', async () => {
    const outside = join(dirname(d.home), `${basename(d.home)}-outside.jsonl`);
    writeFileSync(outside, `${JSON.stringify({ op: 'create', taskId: 'stolen', title: 'Read through a link' })}\n`);
    try {
      symlinkSync(outside, join(d.home, 'inbox', 'link.jsonl'));
      mkdirSync(join(d.home, 'inbox', 'folder.jsonl'));
      appendFileSync(join(d.home, 'inbox', 'real.jsonl'), `${JSON.stringify({ op: 'create', taskId: 'real', title: 'Real' })}\n`);
      await pollUntil('the real file applied', async () => ((await inboxStats(d.http)).linesApplied === 1 ? true : undefined));
      await pollUntil('both refused', async () => ((await inboxStats(d.http)).filesRefused === 2 ? true : undefined));
      // Rescans (every second) neither read the link nor repeat the warning.
      await holdsFor('the link never read', async () => (await inboxStats(d.http)).filesRefused === 2, 2500);
      expectNoTask(await d.http.get('/v1/tasks/stolen'));
      assert.equal(d.logLines.filter((l) => l.includes('link.jsonl is a symbolic link')).length, 1);
      assert.equal(d.logLines.filter((l) => l.includes('folder.jsonl is a folder')).length, 1);
    } finally {
      removeTempHome(outside);
    }
  });
});

function expectNoTask(res: { status: number }): void {
  assert.equal(res.status, 404);
}

describe('live: inbox special files and descriptor limits (daemon process)', function () {
  this.timeout(120_000);
  let home: string;
  let proc: DaemonProcess | undefined;

  beforeEach(() => {
    home = makeTempHome('inbox-hostile');
  });
  afterEach(async () => {
    if (proc) await killDaemonProcess(proc);
    proc = undefined;
    removeTempHome(home);
  });

  it('FIFOs in the inbox block neither writes nor SIGTERM', async () => {
    mkdirSync(join(home, 'inbox'), { recursive: true, mode: 0o700 });
    // Four: as many as libuv has worker threads, so that one blocked open per thread would stall every file write.
    for (let i = 0; i < 4; i++) execFileSync('mkfifo', [join(home, 'inbox', `fifo-${i}.jsonl`)]);
    proc = await startDaemonProcess(home);
    const http = proc.http;
    for (let i = 0; i < 5; i++) {
      await within(10_000, `create ${i}`, http.ok(http.post('/v1/tasks', { id: `t-${i}`, title: `Task ${i}` })));
    }
    appendFileSync(join(home, 'inbox', 'plain.jsonl'), `${JSON.stringify({ op: 'create', taskId: 'from-inbox', title: 'Inbox' })}\n`);
    await pollUntil('the plain file applied', async () => ((await within(10_000, 'stats', inboxStats(http))).linesApplied === 1 ? true : undefined), 20_000);
    assert.equal((await inboxStats(http)).filesRefused, 4);
    const exit = await within(20_000, 'SIGTERM', stopDaemonProcess(proc, 30_000));
    assert.deepEqual(exit, { code: 0, signal: null });
  });

  it('1,500 files under a 1024-descriptor limit: every line applied exactly once', async () => {
    const inbox = join(home, 'inbox');
    mkdirSync(inbox, { recursive: true, mode: 0o700 });
    const files = 1500;
    const line = (i: number, n: number) => JSON.stringify({ op: 'create', id: `cmd-${i}-${n}`, taskId: `f${i}-${n}`, title: `File ${i} line ${n}` });
    // Most of them there before the start, the rest written while the daemon runs.
    const early = 1200;
    for (let i = 0; i < early; i++) writeFileSync(join(inbox, `agent-${i}.jsonl`), `${line(i, 0)}\n`);
    proc = await startDaemonProcess(home, { maxOpenFiles: 1024, timeoutMs: 60_000 });
    const http = proc.http;
    for (let i = early; i < files; i++) writeFileSync(join(inbox, `agent-${i}.jsonl`), `${line(i, 0)}\n`);
    for (let i = 0; i < files; i += 7) appendFileSync(join(inbox, `agent-${i}.jsonl`), `${line(i, 1)}\n`);
    const expected = files + Math.ceil(files / 7);
    await pollUntil(`${expected} lines applied`, async () => ((await inboxStats(http)).linesApplied >= expected ? true : undefined), 90_000, 250);
    await holdsFor('nothing applied twice', async () => {
      const s = await inboxStats(http);
      return s.linesApplied === expected && s.linesDuplicate === 0 && s.linesInvalid === 0;
    }, 2500);
    const { total } = await http.ok(http.get<{ total: number }>('/v1/tasks?limit=1'));
    assert.equal(total, expected);
    // The daemon answers HTTP as before, and still ingests new lines promptly.
    appendFileSync(join(inbox, 'agent-1.jsonl'), `${line(1, 2)}\n`);
    await pollUntil('a later line', async () => ((await inboxStats(http)).linesApplied === expected + 1 ? true : undefined), 20_000);
  });
});
