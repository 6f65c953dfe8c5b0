/**
 * The inbox: every complete line applied exactly once, also across restarts, a crash and lines written while the
 * daemon is down; partial lines wait; invalid lines are counted and skipped; truncated or replaced files start over.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { killDaemonProcess, startDaemonProcess, type DaemonProcess } from '../support/daemonProcess.js';
import type { HttpClient } from '../support/http.js';
import { holdsFor, pollUntil } from '../../support/poll.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';
import { startLiveDaemon, type LiveDaemon } from './liveDaemon.js';

interface InboxStats {
  files: number;
  linesApplied: number;
  linesInvalid: number;
  linesDuplicate: number;
  lastError: { file: string; offset: number; message: string } | null;
}

const create = (taskId: string, extra: Record<string, unknown> = {}) => JSON.stringify({ op: 'create', taskId, title: taskId, ...extra });

async function inboxStats(http: HttpClient): Promise<InboxStats> {
  return (await http.ok(http.get<{ inbox: InboxStats }>('/v1/stats'))).inbox;
}

async function taskIds(http: HttpClient): Promise<string[]> {
  const page = await http.ok(http.get<{ items: Task[] }>('/v1/tasks?limit=1000'));
  return page.items.map((t) => t.id).sort();
}

async function taskCount(http: HttpClient): Promise<number> {
  return (await http.ok(http.get<{ total: number }>('/v1/tasks?limit=1'))).total;
}

function waitApplied(http: HttpClient, count: number, timeoutMs = 10_000): Promise<InboxStats> {
  return pollUntil(`${count} inbox lines applied`, async () => {
    const stats = await inboxStats(http);
    return stats.linesApplied >= count ? stats : undefined;
  }, timeoutMs);
}

describe('live: inbox', function () {
  let d: LiveDaemon;
  let file: string;

  beforeEach(async () => {
    d = await startLiveDaemon();
    file = join(d.home, 'inbox', 'agent.jsonl');
  });
  afterEach(async () => {
    await d?.close();
  });

  it('applies each appended line once; a partial last line waits for its newline', async () => {
    // A byte-order mark and Windows line ends are tolerated.
    appendFileSync(file, `\ufeff${create('a')}\r\n${create('b')}\n`);
    await waitApplied(d.http, 2);
    const half = create('c');
    appendFileSync(file, half.slice(0, 20));
    await holdsFor('the partial line waiting', async () => (await taskIds(d.http)).length === 2, 1500);
    appendFileSync(file, `${half.slice(20)}\n`);
    await waitApplied(d.http, 3);
    assert.deepEqual(await taskIds(d.http), ['a', 'b', 'c']);
    // Several more passes over the file (events and the 1 s rescan) apply nothing twice.
    await holdsFor('nothing applied twice', async () => (await inboxStats(d.http)).linesApplied === 3, 1500);
    const stats = await inboxStats(d.http);
    assert.deepEqual([stats.linesInvalid, stats.files], [0, 1]);
  });

  it('counts and logs an invalid line, skips it, and applies the lines after it', async () => {
    const lines = [
      create('ok-1'),
      'this is not json',
      JSON.stringify({ op: 'explode', taskId: 'x' }),
      JSON.stringify({ op: 'create' }),
      JSON.stringify({ op: 'transition', taskId: 'missing', to: 'done' }),
      '',
      create('ok-2'),
    ];
    appendFileSync(file, lines.join('\n') + '\n');
    const stats = await waitApplied(d.http, 2);
    assert.equal(stats.linesInvalid, 4, 'bad JSON, unknown op, missing title, unknown task; blank lines are ignored');
    assert.deepEqual(await taskIds(d.http), ['ok-1', 'ok-2']);
    assert.equal(stats.lastError?.file, 'agent.jsonl');
    assert.match(stats.lastError?.message ?? '', /not_found/);
    const logged = d.logLines.filter((l) => l.includes('inbox agent.jsonl line at byte'));
    assert.equal(logged.length, 4);
    assert.ok(logged[0]?.includes('not JSON'));
  });

  it('reads a truncated file, or a file replaced under the same name, from its start', async () => {
    appendFileSync(file, `${create('one')}\n${create('two')}\n${create('three')}\n`);
    await waitApplied(d.http, 3);
    truncateSync(file, 0);
    appendFileSync(file, `${create('four')}\n`);
    await waitApplied(d.http, 4);
    assert.ok(d.logLines.some((l) => l.includes('agent.jsonl: truncated below its cursor')));

    // Replaced by a longer file: its size is past the old cursor, but it is another file.
    const tmp = join(d.home, 'agent.jsonl.tmp');
    writeFileSync(tmp, [create('five'), create('six'), create('seven'), create('eight'), create('nine')].join('\n') + '\n');
    renameSync(tmp, file);
    await waitApplied(d.http, 9);
    assert.deepEqual(await taskIds(d.http), ['eight', 'five', 'four', 'nine', 'one', 'seven', 'six', 'three', 'two']);
    assert.ok(d.logLines.some((l) => l.includes('agent.jsonl: replaced by another file')));
  });

  it('reads files present at start and lines appended while the daemon was down, once', async () => {
    const home = d.home;
    appendFileSync(file, `${create('before-1')}\n`);
    await waitApplied(d.http, 1);
    await d.stop();
    appendFileSync(file, `${create('down-1')}\n${create('down-2')}\n`);
    writeFileSync(join(home, 'inbox', 'new.jsonl'), `${create('new-1')}\n`);
    writeFileSync(join(home, 'inbox', 'ignored.txt'), `${create('not-an-inbox-file')}\n`);
    d = await startLiveDaemon({ home });
    await waitApplied(d.http, 3);
    await holdsFor('nothing more applied', async () => (await inboxStats(d.http)).linesApplied === 3, 1500);
    assert.deepEqual(await taskIds(d.http), ['before-1', 'down-1', 'down-2', 'new-1']);
  });

  it('a command id seen before is not applied again, even from another file', async () => {
    appendFileSync(file, `${JSON.stringify({ op: 'create', id: 'cmd-1', taskId: 'dup', title: 'Dup' })}\n`);
    await waitApplied(d.http, 1);
    writeFileSync(join(d.home, 'inbox', 'other.jsonl'), `${JSON.stringify({ op: 'create', id: 'cmd-1', taskId: 'dup', title: 'Dup' })}\n`);
    const stats = await pollUntil('the duplicate', async () => {
      const s = await inboxStats(d.http);
      return s.linesDuplicate === 1 ? s : undefined;
    });
    assert.deepEqual([stats.linesApplied, stats.linesInvalid], [1, 0]);
  });

  it('a deleted file loses its cursor: a new file under its name is read from its start', async () => {
    appendFileSync(file, `${create('old-1')}\n${create('old-2')}\n`);
    await waitApplied(d.http, 2);
    rmSync(file);
    await pollUntil('the cursor to be dropped', () => (d.daemon.tracker.state.inbox.get('agent.jsonl')?.identity === '' ? true : undefined));
    writeFileSync(file, `${create('new-1')}\n`);
    await waitApplied(d.http, 3);
    assert.deepEqual(await taskIds(d.http), ['new-1', 'old-1', 'old-2']);
  });

  it('stopping in the middle of a large file and restarting applies every line exactly once', async function () {
    this.timeout(60_000);
    const home = d.home;
    await d.stop();
    const count = 20_000;
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(create(`bulk-${i}`));
    writeFileSync(join(home, 'inbox', 'bulk.jsonl'), lines.join('\n') + '\n');
    // Small chunks: many cursor writes, so the stop lands between two of them.
    d = await startLiveDaemon({ home, tuning: { inbox: { chunkBytes: 4096, maxLineBytes: 2048 } } });
    // Watched in memory rather than over HTTP, so that the stop comes right after the first lines.
    const running = d;
    await pollUntil('the first lines', () => (running.daemon.tracker.state.tasks.size > 0 ? true : undefined), 10_000, 1);
    await d.stop();
    const afterStop = d.daemon.tracker.state.tasks.size;
    assert.ok(afterStop > 0 && afterStop < count, `stopped mid-file (${afterStop} of ${count})`);
    d = await startLiveDaemon({ home });
    await pollUntil('every line', async () => ((await taskCount(d.http)) === count ? true : undefined), 30_000);
    await holdsFor('no line applied twice', async () => (await inboxStats(d.http)).linesInvalid === 0, 1500);
    assert.equal(await taskCount(d.http), count);
  });

  it('a line longer than the limit is refused without being held, and the lines after it are applied', async () => {
    const home = d.home;
    await d.stop();
    d = await startLiveDaemon({ home, tuning: { inbox: { chunkBytes: 4096, maxLineBytes: 2048 } } });
    const long = create('too-long', { description: 'y'.repeat(3000) });
    appendFileSync(file, `${create('short-1')}\n${long.slice(0, 2500)}`);
    await waitApplied(d.http, 1);
    appendFileSync(file, `${long.slice(2500)}\n${create('short-2')}\n`);
    let stats = await waitApplied(d.http, 2);
    assert.equal(stats.linesInvalid, 1);
    assert.match(stats.lastError?.message ?? '', /longer than 2048 bytes/);
    // Arriving whole makes no difference.
    appendFileSync(file, `${long}\n${create('short-3')}\n`);
    stats = await waitApplied(d.http, 3);
    assert.equal(stats.linesInvalid, 2);
    assert.deepEqual(await taskIds(d.http), ['short-1', 'short-2', 'short-3']);
  });
});

describe('live: inbox across a crash', function () {
  let home: string;
  let proc: DaemonProcess | undefined;

  beforeEach(() => {
    home = makeTempHome('inbox-crash');
  });
  afterEach(async () => {
    if (proc) await killDaemonProcess(proc);
    removeTempHome(home);
  });

  it('kill -9 in the middle of a large file: after the restart every line is applied exactly once', async function () {
    this.timeout(90_000);
    proc = await startDaemonProcess(home);
    const count = 30_000;
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(create(`crash-${i}`));
    writeFileSync(join(home, 'inbox', 'crash.jsonl'), lines.join('\n') + '\n');
    const seen = await pollUntil('some lines applied', async () => {
      const n = await taskCount((proc as DaemonProcess).http);
      return n > 0 ? n : undefined;
    }, 30_000, 5);
    proc.kill('SIGKILL');
    await proc.exited;
    proc = await startDaemonProcess(home);
    const http = proc.http;
    await pollUntil('every line after the restart', async () => ((await taskCount(http)) >= count ? true : undefined), 60_000);
    await holdsFor('no line applied twice', async () => (await taskCount(http)) === count, 1500);
    const stats = await inboxStats(http);
    assert.equal(stats.linesInvalid, 0, `no conflicts from a re-applied line (${seen} applied before the kill)`);
  });
});
