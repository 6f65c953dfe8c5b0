/**
 * `agent-tracker doctor` and `agent-tracker repair`: the documented way out when the daemon refuses a damaged event
 * log. Doctor changes nothing and names every damaged line; repair keeps every good event, copies the damaged segment
 * aside first, reports what it dropped, and refuses while a daemon runs on the home.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { cliEnv, runCli } from '../support/runCli.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';
import { removeTempHome } from '../support/tempHome.js';

interface Check {
  events: number;
  lastSeq: number;
  damaged: { segment: string; line: number; problem: string }[];
  missing: { line: number; from: number; to: number }[];
  refusesToStart: boolean;
}

interface Repair extends Check {
  backups: string[];
  dropped: { line: number; problem: string }[];
  after: Check;
}

async function observe(d: TestDaemon): Promise<{ tasks: Task[]; seqs: number[] }> {
  const tasks = await d.http.ok(d.http.get<{ items: Task[] }>('/v1/tasks?limit=1000'));
  const events = await d.http.ok(d.http.get<{ items: TrackerEvent[] }>('/v1/events?limit=1000'));
  return { tasks: tasks.items, seqs: events.items.map((e) => e.seq) };
}

function segments(home: string): string[] {
  return readdirSync(join(home, 'events')).filter((n) => /^\d{16}\.jsonl$/.test(n)).map((n) => join(home, 'events', n));
}

const cli = (args: string[]) => runCli(args, { env: cliEnv() });

describe('cli: doctor and repair', function () {
  this.timeout(60_000);
  let home: string;
  let d: TestDaemon | undefined;

  afterEach(async () => {
    await d?.stop();
    d = undefined;
    if (home) removeTempHome(home);
  });

  it('doctor names every damaged line, repair keeps every good event and says what it dropped', async () => {
    d = await startTestDaemon();
    home = d.home;
    for (const id of ['a', 'b', 'c']) await d.http.ok(d.http.post('/v1/tasks', { id, title: id.toUpperCase() }));
    await d.http.ok(d.http.post('/v1/tasks/b/transition', { to: 'active', agentId: 'w' }));
    const before = await observe(d);
    await d.stop();
    d = undefined;

    const [segment] = segments(home);
    assert.ok(segment);
    const original = readFileSync(segment, 'utf8').split('\n');
    // Two damaged lines in the middle of the segment; every event stays.
    const damaged = [original[0], 'garbage from a bad copy', ...original.slice(1, 3), 'null', ...original.slice(3)].join('\n');
    writeFileSync(segment, damaged);
    await assert.rejects(startTestDaemon({ home }), /line 2 is not JSON.*agent-tracker doctor.*agent-tracker repair/s);

    const doctor = await cli(['doctor', '--home', home, '--json']);
    assert.equal(doctor.code, 1, doctor.stderr);
    const check = JSON.parse(doctor.stdout) as Check;
    assert.deepEqual(check.damaged.map((x) => [x.line, x.problem]), [[2, 'not JSON'], [5, 'not an event or a record']]);
    assert.equal(check.refusesToStart, true);
    assert.equal(readFileSync(segment, 'utf8'), damaged, 'doctor changes nothing');
    const human = await cli(['doctor', '--home', home]);
    assert.match(human.stdout, /line 2: not JSON: "garbage from a bad copy"/);
    assert.match(human.stdout, /agent-tracker repair/);

    const repair = await cli(['repair', '--home', home, '--json']);
    assert.equal(repair.code, 0, repair.stderr);
    const report = JSON.parse(repair.stdout) as Repair;
    assert.deepEqual(report.dropped.map((x) => x.line), [2, 5]);
    assert.equal(report.backups.length, 1);
    assert.equal(readFileSync(report.backups[0] as string, 'utf8'), damaged, 'the damaged segment is kept aside whole');
    assert.deepEqual([report.after.damaged, report.after.refusesToStart, report.after.lastSeq], [[], false, before.seqs.at(-1)]);
    assert.equal((await cli(['doctor', '--home', home])).code, 0);

    d = await startTestDaemon({ home });
    assert.deepEqual(await observe(d), before, 'every good event kept');
  });

  /** A home with one event per write (each its own line and commit marker), stopped; returns its segment's lines. */
  async function writtenOneByOne(): Promise<{ segment: string; lines: string[]; before: Awaited<ReturnType<typeof observe>> }> {
    d = await startTestDaemon();
    home = d.home;
    for (const id of ['a', 'b', 'c', 'd', 'e']) await d.http.ok(d.http.post('/v1/tasks', { id, title: id.toUpperCase() }));
    const before = await observe(d);
    await d.stop();
    d = undefined;
    const [segment] = segments(home);
    assert.ok(segment);
    return { segment, lines: readFileSync(segment, 'utf8').split('\n'), before };
  }
  const eventLine = (lines: string[], seq: number) => lines.findIndex((l) => l.startsWith(`{"seq":${seq},`));

  it('doctor reports a line lost from the middle of the log as missing events, and exits 1', async () => {
    const { segment, lines } = await writtenOneByOne();
    const lost = eventLine(lines, 3);
    assert.ok(lost > 0);
    writeFileSync(segment, lines.filter((_, i) => i !== lost).join('\n'));
    const doctor = await cli(['doctor', '--home', home, '--json']);
    assert.equal(doctor.code, 1, doctor.stdout);
    const check = JSON.parse(doctor.stdout) as Check;
    assert.deepEqual(check.missing.map((m) => [m.from, m.to]), [[3, 3]]);
    assert.deepEqual(check.damaged, []);
    const human = await cli(['doctor', '--home', home]);
    assert.match(human.stdout, /missing +1 events/);
    assert.match(human.stdout, /seq 3 committed but no longer in the log/);
  });

  it('doctor reports a duplicated line, repair drops the second copy and says so', async () => {
    const { segment, lines, before } = await writtenOneByOne();
    const copied = eventLine(lines, 2);
    const damaged = [...lines.slice(0, copied + 1), lines[copied] as string, ...lines.slice(copied + 1)];
    writeFileSync(segment, damaged.join('\n'));
    const doctor = await cli(['doctor', '--home', home, '--json']);
    assert.equal(doctor.code, 1, doctor.stdout);
    const check = JSON.parse(doctor.stdout) as Check;
    assert.deepEqual(check.damaged.map((x) => [x.line, x.problem]), [[copied + 2, `a second copy of seq 2 (first at ${segment.split('/').at(-1)} line ${copied + 1})`]]);
    assert.deepEqual(check.missing, []);
    const repair = await cli(['repair', '--home', home, '--json']);
    assert.equal(repair.code, 0, repair.stderr);
    const report = JSON.parse(repair.stdout) as Repair;
    assert.deepEqual(report.dropped.map((x) => x.line), [copied + 2]);
    assert.deepEqual([report.after.damaged, report.after.missing], [[], []]);
    assert.equal((await cli(['doctor', '--home', home])).code, 0);
    d = await startTestDaemon({ home });
    assert.deepEqual(await observe(d), before, 'every event once');
  });

  it('doctor reports two events fused on one line; repair drops it and the gap stays reported', async () => {
    const { segment, lines } = await writtenOneByOne();
    const first = eventLine(lines, 3);
    // The newline and the commit marker between two writes lost: the two events run together on one line.
    const fused = `${lines[first]}${lines[eventLine(lines, 4)]}`;
    const damaged = [...lines.slice(0, first), fused, ...lines.slice(eventLine(lines, 4) + 1)];
    writeFileSync(segment, damaged.join('\n'));
    const doctor = await cli(['doctor', '--home', home, '--json']);
    assert.equal(doctor.code, 1, doctor.stdout);
    const check = JSON.parse(doctor.stdout) as Check;
    assert.deepEqual(check.damaged.map((x) => [x.line, x.problem]), [[first + 1, 'not JSON']]);
    assert.deepEqual(check.missing.map((m) => [m.from, m.to]), [[3, 4]]);
    const repair = await cli(['repair', '--home', home, '--json']);
    const report = JSON.parse(repair.stdout) as Repair;
    assert.deepEqual(report.dropped.map((x) => x.line), [first + 1]);
    assert.deepEqual(report.missing.map((m) => [m.from, m.to]), [[3, 4]], 'the repair report names the events lost');
  });

  it('repair refuses while a daemon runs on the home, and changes nothing', async () => {
    d = await startTestDaemon();
    home = d.home;
    await d.http.ok(d.http.post('/v1/tasks', { id: 'a', title: 'A' }));
    const result = await cli(['repair', '--home', home]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /another agent-tracker daemon \(pid \d+\) is already running/);
    assert.ok(existsSync(join(home, 'daemon.lock')), 'the running daemon keeps its lock');
    assert.deepEqual(readdirSync(join(home, 'events')).filter((n) => n.includes('damaged')), []);
  });
});
