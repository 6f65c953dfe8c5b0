/**
 * Backup and restore on the file store: a backup taken while writers keep going is one consistent seq; restored into
 * a new home, a daemon there shows exactly that state. Restore refuses a home in use or holding data (unless --force),
 * and a backup file that was cut short.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBackup } from '../../../daemon/src/store/backup.js';
import type { HttpClient } from '../support/http.js';
import { cliEnv, runCli } from '../support/runCli.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';
import { allEvents, assertGapFree, assertServesBackup, seedRegistry } from '../support/backupFixtures.js';
import { pollUntil } from '../../support/poll.js';

async function keepWriting(http: HttpClient, name: string, stop: { stopped: boolean }): Promise<number> {
  let n = 0;
  while (!stop.stopped) {
    const id = `${name}-${n++}`;
    await http.ok(http.post('/v1/tasks', { id, title: id }));
    await http.ok(http.patch(`/v1/tasks/${id}`, { progress: 50 }));
  }
  return n;
}

describe('backup and restore: file store', function () {
  this.timeout(60_000);
  let source: TestDaemon;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeEach(async () => {
    source = await startTestDaemon({ settings: { retentionDays: 0 } });
    cleanups.push(() => source.close());
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('GET /v1/backup taken under concurrent writes restores into a new home with the same seq, tasks, feed and replay', async () => {
    await seedRegistry(source.http);
    const inboxFile = join(source.home, 'inbox', 'agent.jsonl');
    writeFileSync(inboxFile, `${JSON.stringify({ op: 'create', taskId: 'from-inbox', title: 'from the inbox' })}\n`);
    await pollUntil('the inbox line', async () => ((await source.http.get('/v1/tasks/from-inbox')).status === 200 ? true : undefined));

    const stop = { stopped: false };
    const writers = [1, 2, 3].map((i) => keepWriting(source.http, `w${i}`, stop));
    await pollUntil('writers under way', async () => ((await source.http.ok(source.http.get<{ seq: number }>('/healthz'))).seq > 60 ? true : undefined));
    const response = await source.http.get('/v1/backup');
    stop.stopped = true;
    const written = await Promise.all(writers);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers['content-type'], 'application/x-ndjson');

    const file = join(makeTempHome('backup-file'), 'backup.jsonl');
    cleanups.push(() => removeTempHome(join(file, '..')));
    writeFileSync(file, response.text);
    const image = readBackup(file);
    assert.ok(written.every((n) => n > 0));
    assertGapFree(image.events, image.seq);
    // The backup is the source's registry as it stood at its seq: the source's feed up to there, to the event.
    assert.deepEqual(image.events, (await allEvents(source.http)).filter((e) => e.seq <= image.seq));
    assert.ok(image.inbox.some((cursor) => cursor.file === 'agent.jsonl'), 'the inbox cursor is in the backup');
    assert.ok(image.tasks.some((task) => task.id === 'seed-child' && task.lease !== null));

    const home = makeTempHome('restored');
    const restored = await runCli(['restore', file, '--home', home, '--json'], { env: cliEnv() });
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal((JSON.parse(restored.stdout) as { seq: number }).seq, image.seq);
    const target = await startTestDaemon({ home, settings: { retentionDays: 0 } });
    cleanups.push(() => target.close());
    await assertServesBackup(target.http, image);
  });

  it('agent-tracker backup --out writes a checked file; restore refuses a home in use or holding data unless --force', async () => {
    await seedRegistry(source.http);
    const dir = makeTempHome('backup-cli');
    cleanups.push(() => removeTempHome(dir));
    const file = join(dir, 'registry.backup');
    const backup = await runCli(['backup', '--out', file, '--home', source.home], { env: cliEnv() });
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /backup at seq \d+ \(6 tasks, 1 agents, \d+ events\)/);
    const image = readBackup(file);
    assert.equal(image.seq, (await source.http.ok(source.http.get<{ seq: number }>('/healthz'))).seq);

    // The source's home: a daemon runs on it.
    const inUse = await runCli(['restore', file, '--home', source.home, '--force'], { env: cliEnv() });
    assert.equal(inUse.code, 1, inUse.stdout);
    assert.match(inUse.stderr, /already running/);

    const home = makeTempHome('restore-twice');
    cleanups.push(() => removeTempHome(home));
    assert.equal((await runCli(['restore', file, '--home', home], { env: cliEnv() })).code, 0);
    const again = await runCli(['restore', file, '--home', home], { env: cliEnv() });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds a registry; restore with --force/);

    // --force replaces what the home holds: a registry that moved on past the backup goes back to it.
    const target = await startTestDaemon({ home, settings: { retentionDays: 0 } });
    await target.http.ok(target.http.post('/v1/tasks', { id: 'after-backup', title: 'not in the backup' }));
    await target.stop();
    const forced = await runCli(['restore', file, '--home', home, '--force'], { env: cliEnv() });
    assert.equal(forced.code, 0, forced.stderr);
    const restarted = await startTestDaemon({ home, settings: { retentionDays: 0 } });
    cleanups.push(() => restarted.stop());
    assert.equal((await restarted.http.get('/v1/tasks/after-backup')).status, 404);
    await assertServesBackup(restarted.http, image);
  });

  it('restore refuses a backup that was cut short, and needs a target', async () => {
    await seedRegistry(source.http);
    const dir = makeTempHome('backup-cut');
    cleanups.push(() => removeTempHome(dir));
    const file = join(dir, 'full.jsonl');
    assert.equal((await runCli(['backup', '--out', file, '--home', source.home], { env: cliEnv() })).code, 0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, `${lines.slice(0, -3).join('\n')}\n`);
    const home = join(dir, 'target');
    const refused = await runCli(['restore', cut, '--home', home], { env: cliEnv() });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /cut short/);
    const noTarget = await runCli(['restore', file], { env: cliEnv() });
    assert.equal(noTarget.code, 2);
  });
});
