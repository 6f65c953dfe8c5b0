/**
 * Recovery from what a crash or a user can leave in the home: a torn last line in the event log, a registry.json
 * that is missing, unreadable or behind the log. The log is the truth; the state after recovery is the same.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Task, TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

/** The whole observable registry: every task as the API shows it, and the feed. */
async function observe(d: TestDaemon): Promise<{ tasks: Task[]; seqs: number[] }> {
  const tasks = await d.http.ok(d.http.get<{ items: Task[] }>('/v1/tasks?limit=1000'));
  const events = await d.http.ok(d.http.get<{ items: TrackerEvent[] }>('/v1/events?limit=1000'));
  return { tasks: tasks.items, seqs: events.items.map((e) => e.seq) };
}

async function populate(d: TestDaemon): Promise<void> {
  await d.http.ok(d.http.post('/v1/tasks', { id: 'a', title: 'A' }));
  await d.http.ok(d.http.post('/v1/tasks', { id: 'b', title: 'B', dependsOn: ['a'] }));
  await d.http.ok(d.http.post('/v1/tasks/a/claim', { agentId: 'w' }));
  await d.http.ok(d.http.post('/v1/tasks/a/transition', { to: 'active', agentId: 'w' }));
  await d.http.ok(d.http.post('/v1/tasks/a/transition', { to: 'done', agentId: 'w' }));
  await d.http.ok(d.http.post('/v1/tasks', { title: 'C' }, { idempotencyKey: 'c-key' }));
  await d.http.ok(d.http.patch('/v1/tasks/b', { tags: ['later'] }));
}

interface RegistryFile {
  meta: { seq: number };
  tasks: Record<string, unknown>;
}

function editRegistry(home: string, change: (data: RegistryFile) => void): void {
  const path = join(home, 'registry.json');
  const data = JSON.parse(readFileSync(path, 'utf8')) as RegistryFile;
  change(data);
  writeFileSync(path, JSON.stringify(data));
}

function lastSegment(home: string): string {
  const names = readdirSync(join(home, 'events')).filter((n) => n.endsWith('.jsonl')).sort();
  return join(home, 'events', names.at(-1) as string);
}

describe('core: recovery', function () {
  let d: TestDaemon | undefined;
  afterEach(async () => {
    await d?.close();
    d = undefined;
  });

  const cases: { name: string; damage: (home: string) => void; warns?: RegExp }[] = [
    { name: 'a clean restart', damage: () => {} },
    { name: 'no registry.json (rebuilt from the log alone)', damage: (home) => rmSync(join(home, 'registry.json')) },
    { name: 'an unreadable registry.json', damage: (home) => writeFileSync(join(home, 'registry.json'), '{"meta": {"seq": 3'), warns: /registry.json is unreadable/ },
    { name: 'a registry.json of an unknown layout', damage: (home) => writeFileSync(join(home, 'registry.json'), '{"tasks": []}'), warns: /unknown layout/ },
    {
      name: 'a torn last line in the log',
      damage: (home) => appendFileSync(lastSegment(home), '{"seq":99,"id":"evt_torn","at":"2026-'),
      warns: /cut 37 bytes after its last commit marker \(1 line, the last one torn; events seq 99\)/,
    },
    {
      name: 'a registry.json that claims a higher seq than the log',
      damage: (home) => editRegistry(home, (data) => (data.meta.seq = 999_999)),
      warns: /registry.json claims seq 999999 but the event log ends at \d+; rebuilding from the log/,
    },
    {
      name: 'a registry.json with a task that is not an object',
      damage: (home) => editRegistry(home, (data) => (data.tasks.a = null)),
      warns: /registry.json holds a bad value \(tasks\["a"\]\); rebuilding from the log/,
    },
    {
      name: 'a registry.json with a task in an unknown state',
      damage: (home) => editRegistry(home, (data) => ((data.tasks.b as { state: unknown }).state = 'exploded')),
      warns: /bad value \(tasks\["b"\]\.state\)/,
    },
    {
      name: 'a registry.json whose tasks are not a map',
      damage: (home) => editRegistry(home, (data) => (data.tasks = 42 as never)),
      warns: /bad value \(tasks\)/,
    },
  ];

  for (const c of cases) {
    it(`gives the same state after ${c.name}`, async () => {
      d = await startTestDaemon();
      await populate(d);
      const before = await observe(d);
      await d.stop();
      c.damage(d.home);
      d = await startTestDaemon({ home: d.home });
      assert.deepEqual(await observe(d), before);
      if (c.warns) assert.ok(d.logLines.some((line) => c.warns!.test(line)), d.logLines.join('\n'));
      // The log goes on from where it was, without a gap, and the idempotency record survived.
      const next = await d.http.ok(d.http.post<Task>('/v1/tasks', { id: 'after', title: 'After recovery' }));
      assert.equal(next.version, 1);
      const { seqs } = await observe(d);
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
      const replayed = await d.http.post('/v1/tasks', { title: 'C' }, { idempotencyKey: 'c-key' });
      assert.equal(replayed.headers['idempotent-replayed'], 'true');
    });
  }

  it('replays the events past an old snapshot', async () => {
    d = await startTestDaemon();
    await populate(d);
    await d.stop();
    const oldSnapshot = readFileSync(join(d.home, 'registry.json'), 'utf8');
    d = await startTestDaemon({ home: d.home });
    await d.http.ok(d.http.post('/v1/tasks/b/transition', { to: 'active', agentId: 'w' }));
    const before = await observe(d);
    await d.stop();
    writeFileSync(join(d.home, 'registry.json'), oldSnapshot);
    d = await startTestDaemon({ home: d.home });
    assert.deepEqual(await observe(d), before);
    assert.ok(d.logLines.some((line) => /1 events replayed/.test(line)), d.logLines.join('\n'));
  });

  it('refuses to start on a log line that is not JSON in the middle of the log', async () => {
    d = await startTestDaemon();
    await populate(d);
    await d.stop();
    const segment = lastSegment(d.home);
    const lines = readFileSync(segment, 'utf8').split('\n');
    lines[1] = 'this is not an event';
    writeFileSync(segment, lines.join('\n'));
    await assert.rejects(startTestDaemon({ home: d.home }), /line 2 is not JSON; refusing to guess.*agent-tracker repair/);
  });

  it('says exactly what it cut when the last segment lost the end of its last writes', async () => {
    d = await startTestDaemon();
    await populate(d);
    await d.http.ok(d.http.post('/v1/tasks', { id: 'late-1', title: 'Late 1' }));
    await d.http.ok(d.http.post('/v1/tasks', { id: 'late-2', title: 'Late 2' }));
    const { seqs } = await observe(d);
    await d.stop();
    // The file loses its last commit marker and half of the line before it (a copy or a disk that cut it short).
    const segment = lastSegment(d.home);
    const text = readFileSync(segment, 'utf8');
    const lines = text.trimEnd().split('\n');
    assert.match(lines.at(-1) ?? '', /^\{"commit":/);
    const lastEvent = lines.at(-2) as string;
    const kept = text.length - `${lines.at(-1)}\n`.length - Math.ceil(lastEvent.length / 2) - 1;
    writeFileSync(segment, text.slice(0, kept));
    // What remains of the torn line is what start-up cuts.
    const cutBytes = Math.floor(lastEvent.length / 2);
    d = await startTestDaemon({ home: d.home });
    const last = seqs.at(-1) as number;
    const message = d.logLines.find((line) => line.includes('after its last commit marker'));
    assert.ok(message, d.logLines.join('\n'));
    // Back to the marker of the write before: the event of late-2 (seq `last`) is gone, and the log line says so.
    assert.match(message, new RegExp(`cut ${cutBytes} bytes`));
    assert.match(message, new RegExp(`events seq ${last}\\)`));
    assert.match(message, /the last one torn/);
    const after = await observe(d);
    assert.deepEqual(after.seqs, seqs.slice(0, -1));
  });
});
