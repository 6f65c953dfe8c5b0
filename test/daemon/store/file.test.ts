/**
 * The store conformance suite on the file store, and what only a log on disk can show: a unit of commits is one record
 * of the log, and a crash that tears its write brings back none of it.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { homePaths } from '../../../daemon/src/home/home.js';
import { FileStore } from '../../../daemon/src/store/file/fileStore.js';
import { listSegments } from '../../../daemon/src/store/file/journal.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';
import { TestClock } from '../support/testClock.js';
import { created, idempotency, quiet, stepped, storeConformance, type OpenedStore } from './conformance.js';

function logLines(home: string): string[] {
  return listSegments(homePaths(home).events).flatMap((segment) => readFileSync(segment.path, 'utf8').split('\n').filter((line) => line !== ''));
}

async function openFileStore(home: string, clock: TestClock): Promise<OpenedStore> {
  const store = await FileStore.open(homePaths(home), clock, quiet);
  return {
    store,
    writes: () => Promise.resolve(logLines(home).filter((line) => line.startsWith('{"commit":')).length),
    reopen: async () => {
      await store.close();
      return openFileStore(home, clock);
    },
    dispose: async () => {
      await store.close();
      removeTempHome(home);
    },
  };
}

storeConformance({ kind: 'file', open: (clock) => openFileStore(makeTempHome('store-file'), clock) });

describe('file store: a unit of commits in the log', function () {
  let home: string;
  let store: FileStore | undefined;

  beforeEach(() => {
    home = makeTempHome('file-units');
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    removeTempHome(home);
  });

  it('writes its events, one record with every idempotency record and cursor, and one marker', async () => {
    store = await FileStore.open(homePaths(home), new TestClock(), quiet);
    const at = store.now();
    const s = store;
    await s.joinCommits(() => {
      s.commit([created('a')], { extras: { idempotency: idempotency('k1', at) } });
      s.commit([stepped('a', 'x')], { extras: { idempotency: idempotency('k2', at), inbox: { file: 'in.jsonl', identity: 'i', offset: 5, rev: 1 } } });
    }).durable;
    const lines = logLines(home);
    assert.equal(lines.length, 4, lines.join('\n'));
    const record = JSON.parse(lines[2] as string) as { idempotency: { key: string }[]; inbox: { file: string }[] };
    assert.deepEqual(record.idempotency.map((r) => r.key), ['k1', 'k2']);
    assert.deepEqual(record.inbox.map((c) => c.file), ['in.jsonl']);
    assert.equal(lines[3], '{"commit":2}');
  });

  it('is all or nothing after a crash that tears its record: none of its events nor records come back', async () => {
    store = await FileStore.open(homePaths(home), new TestClock(), quiet);
    const at = store.now();
    await store.commit([created('kept')], { extras: { idempotency: idempotency('k0', at) } }).durable;
    const s = store;
    await s.joinCommits(() => {
      s.commit([created('a')], { extras: { idempotency: idempotency('k1', at) } });
      s.commit([created('b')], { extras: { idempotency: idempotency('k2', at) } });
    }).durable;
    await store.close();
    store = undefined;

    // The crash: the unit's write reached the disk up to the middle of its record, never to its marker.
    const [segment] = listSegments(homePaths(home).events);
    const text = readFileSync(segment!.path, 'utf8');
    const recordAt = text.lastIndexOf('{"idempotency":[');
    assert.ok(recordAt > 0, text);
    truncateSync(segment!.path, Buffer.byteLength(text.slice(0, recordAt + 20)));

    store = await FileStore.open(homePaths(home), new TestClock(), quiet);
    assert.deepEqual([...store.state.tasks.keys()], ['kept']);
    assert.equal(store.idempotencyRecord('k0')?.key, 'k0');
    assert.equal(store.idempotencyRecord('k1'), undefined);
    assert.equal(store.idempotencyRecord('k2'), undefined);
    assert.equal(store.seq, 1);
    assert.deepEqual((await store.readFeed(0, 100)).map((e) => e.seq), [1]);
  });

  it('reads the records of a log written before units (one record of each kind, not in a list)', async () => {
    store = await FileStore.open(homePaths(home), new TestClock(), quiet);
    const at = store.now();
    await store.commit([created('a')], { extras: { idempotency: idempotency('k1', at) } }).durable;
    await store.close();
    store = undefined;
    const [segment] = listSegments(homePaths(home).events);
    const text = readFileSync(segment!.path, 'utf8');
    const old = text.replace(/\{"idempotency":\[(.*)\]\}\n/, '{"idempotency":$1}\n');
    assert.notEqual(old, text);
    writeFileSync(segment!.path, old);
    store = await FileStore.open(homePaths(home), new TestClock(), quiet);
    assert.equal(store.idempotencyRecord('k1')?.hash, 'hash-k1');
  });
});
