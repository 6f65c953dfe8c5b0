/**
 * A backup file is input like any other: every record is checked against the schema before anything is written, an
 * inbox cursor names a plain file inside `inbox/` (never a path out of the home), and a refusal exits 1 naming the
 * line and the record, for a home and for a database alike; the target is left as it was.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliEnv, runCli } from '../support/runCli.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';
import { seedRegistry } from '../support/backupFixtures.js';

type Line = Record<string, Record<string, unknown> | number>;

/** Rewrites a backup's records with `edit` (which may drop some) and sets the header's counts to match. */
function rewriteBackup(from: string, to: string, edit: (lines: Line[]) => Line[]): void {
  const [header, ...rest] = readFileSync(from, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Line);
  const end = rest.pop() as Line;
  const records = edit(rest);
  const counts = { events: 0, tasks: 0, agents: 0, idempotency: 0, inbox: 0 };
  const plural = { event: 'events', task: 'tasks', agent: 'agents', idempotency: 'idempotency', inbox: 'inbox' } as const;
  for (const line of records) {
    const kind = Object.keys(line)[0] as keyof typeof plural;
    if (Object.hasOwn(plural, kind)) counts[plural[kind]]++;
  }
  writeFileSync(to, [{ ...header, counts }, ...records, end].map((l) => JSON.stringify(l)).join('\n') + '\n');
}

describe('backup and restore: a backup file is checked whole before anything is written', function () {
  this.timeout(60_000);
  let source: TestDaemon;
  let dir: string;
  let file: string;

  before(async () => {
    source = await startTestDaemon({ settings: { retentionDays: 0 } });
    await seedRegistry(source.http);
    dir = makeTempHome('backup-hostile');
    file = join(dir, 'good.backup');
    const backup = await runCli(['backup', '--out', file, '--home', source.home], { env: cliEnv() });
    assert.equal(backup.code, 0, backup.stderr);
  });
  after(async () => {
    await source?.close();
    if (dir) removeTempHome(dir);
  });

  const restore = (backup: string, target: string[]) => runCli(['restore', backup, ...target], { env: cliEnv() });

  it('refuses an inbox cursor that names a path out of inbox/, for a home and for a database', async () => {
    const bad = join(dir, 'cursor.backup');
    rewriteBackup(file, bad, (lines) => [...lines, { inbox: { file: '../../outside.jsonl', identity: '1:2', offset: 0, rev: 1 } }]);
    const home = join(dir, 'cursor-home');
    const refused = await restore(bad, ['--home', home]);
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, /line \d+: inbox cursor "\.\.\/\.\.\/outside\.jsonl": file: must be a \.jsonl file name inside inbox\//);
    assert.equal(existsSync(join(home, 'events')), false, 'nothing written');
    // The database is never reached: the file is refused first (this URL has no server behind it).
    const db = await restore(bad, ['--store', 'postgres://nobody@127.0.0.1:9/none']);
    assert.equal(db.code, 1, db.stdout);
    assert.match(db.stderr, /inbox cursor "\.\.\/\.\.\/outside\.jsonl"/);
  });

  it('refuses a task with damaged fields (and no events), naming the task and the field', async () => {
    const bad = join(dir, 'task.backup');
    let damagedId = '';
    rewriteBackup(file, bad, (lines) =>
      lines
        .filter((l) => !('event' in l))
        .map((l) => {
          const task = l.task as Record<string, unknown> | undefined;
          if (!task || damagedId) return l;
          damagedId = String(task.id);
          return { task: { ...task, createdAt: 'yesterday', title: 42 } };
        }),
    );
    const home = join(dir, 'task-home');
    const refused = await restore(bad, ['--home', home, '--json']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`line \\d+: task "${damagedId}": (title|createdAt): `));
    assert.equal(existsSync(join(home, 'events')), false, 'nothing written');
    const json = JSON.parse(refused.stdout) as { error: { code: string; message: string } };
    assert.equal(json.error.code, 'refused');
    const db = await restore(bad, ['--store', 'postgres://nobody@127.0.0.1:9/none']);
    assert.equal(db.code, 1);
    assert.match(db.stderr, new RegExp(`task "${damagedId}"`));
  });

  it('refuses a string no store keeps, and an entry of no known kind', async () => {
    const nul = join(dir, 'nul.backup');
    rewriteBackup(file, nul, (lines) =>
      lines.map((l) => (l.agent ? { agent: { ...(l.agent as Record<string, unknown>), name: 'a\u0000b' } } : l)),
    );
    const refusedNul = await restore(nul, ['--home', join(dir, 'nul-home')]);
    assert.equal(refusedNul.code, 1);
    assert.match(refusedNul.stderr, /agent "[^"]+": name contains U\+0000/);
    const odd = join(dir, 'odd.backup');
    rewriteBackup(file, odd, (lines) => [...lines, { shell: { run: 'rm -rf ~' } }]);
    const refusedOdd = await restore(odd, ['--home', join(dir, 'odd-home')]);
    assert.equal(refusedOdd.code, 1);
    assert.match(refusedOdd.stderr, /not a backup entry/);
  });

  it('a good backup still restores, and the daemon serves what it says it restored', async () => {
    const home = join(dir, 'good-home');
    const restored = await restore(file, ['--home', home, '--json']);
    assert.equal(restored.code, 0, restored.stderr);
    const { counts } = JSON.parse(restored.stdout) as { counts: { tasks: number } };
    const target = await startTestDaemon({ home, settings: { retentionDays: 0 } });
    try {
      const { items } = await target.http.ok(target.http.get<{ items: unknown[] }>('/v1/tasks?limit=1000'));
      assert.equal(items.length, counts.tasks);
    } finally {
      await target.stop();
    }
  });
});
