/**
 * The store conformance suite on PostgreSQL (the postgres suite runs it: test/daemon/.mocharc.postgres.json), and what
 * only several daemons on one database can show: a unit that lost a race is refused whole.
 */
import { strict as assert } from 'node:assert';
import pg from 'pg';
import { StoreConflictError } from '../../../daemon/src/store/errors.js';
import { PgStore } from '../../../daemon/src/store/postgres/pgStore.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';
import { TestClock } from '../support/testClock.js';
import { created, idempotency, quiet, stepped, storeConformance, type OpenedStore } from './conformance.js';

/**
 * The entries each database's commit_group calls took, by connection string: seen on their way to the database (the
 * driver's pool), since an entry leaves no trace of its own there.
 */
const entries = new Map<string, number>();
const poolPrototype = pg.Pool.prototype as unknown as { query: (this: pg.Pool, ...args: unknown[]) => unknown };
const poolQuery = poolPrototype.query;
poolPrototype.query = function (this: pg.Pool, ...args: unknown[]) {
  const [text, values] = args;
  if (typeof text === 'string' && text.includes('commit_group(') && Array.isArray(values)) {
    const url = (this.options as { connectionString?: string }).connectionString ?? '';
    entries.set(url, (entries.get(url) ?? 0) + (JSON.parse(values[0] as string) as unknown[]).length);
  }
  // The driver's own overloads (callback or not) pass on as they came.
  return poolQuery.apply(this, args);
};

describe('PostgreSQL store', function () {
  this.timeout(120_000);
  let server: TestPostgres;
  let databases = 0;

  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.close();
  });

  async function openPgStore(url: string, home: string, clock: TestClock): Promise<OpenedStore> {
    const store = await PgStore.open({ url, home, clock, followDatabaseTime: false, log: quiet });
    return {
      store,
      writes: () => Promise.resolve(entries.get(url) ?? 0),
      reopen: async () => {
        await store.close();
        return openPgStore(url, home, clock);
      },
      dispose: () => store.close(),
    };
  }

  const database = () => server.createDatabase(`conformance_${process.pid}_${++databases}`);

  storeConformance({ kind: 'postgres', open: async (clock) => openPgStore(await database(), '/conformance', clock) });

  describe('a unit that loses a race', () => {
    const stores: PgStore[] = [];
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
    });

    it('is refused whole: none of its commits reach the database or stay in the view', async () => {
      const url = await database();
      const clock = new TestClock();
      const a = await PgStore.open({ url, home: '/daemon-a', clock, followDatabaseTime: false, log: quiet });
      stores.push(a);
      const b = await PgStore.open({ url, home: '/daemon-b', clock, followDatabaseTime: false, log: quiet });
      stores.push(b);
      await a.commit([created('shared')]).durable;
      assert.equal(await b.waitForSeq(a.durableSeq, 5000), true);

      // Both decide on version 1 of the shared task; whichever reaches the database second is refused.
      const at = a.now();
      const unit = (store: PgStore, name: string) =>
        store.joinCommits(() => {
          store.commit([created(`from-${name}`)], { extras: { idempotency: idempotency(`key-${name}`, at) } });
          store.commit([stepped('shared', name)]);
        }).durable;
      const outcomes = await Promise.allSettled([unit(a, 'a'), unit(b, 'b')]);
      const refused = outcomes.flatMap((outcome, i) => (outcome.status === 'rejected' ? [i] : []));
      assert.equal(refused.length, 1, JSON.stringify(outcomes));
      const loser = refused[0] === 0 ? 'a' : 'b';
      const winner = loser === 'a' ? 'b' : 'a';
      assert.ok((outcomes[refused[0] as number] as PromiseRejectedResult).reason instanceof StoreConflictError);

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const tasks = (await client.query<{ id: string }>('SELECT id FROM tasks ORDER BY id')).rows.map((r) => r.id);
        assert.deepEqual(tasks, [`from-${winner}`, 'shared'], 'the first commit of the refused unit is not there either');
        const keys = (await client.query<{ key: string }>('SELECT key FROM idempotency_records')).rows.map((r) => r.key);
        assert.deepEqual(keys, [`key-${winner}`]);
        const seqs = (await client.query<{ seq: string }>('SELECT seq FROM events ORDER BY seq')).rows.map((r) => Number(r.seq));
        assert.deepEqual(seqs, [1, 2, 3]);
      } finally {
        await client.end();
      }

      const lost = loser === 'a' ? a : b;
      await lost.settle();
      assert.equal(lost.state.tasks.has(`from-${loser}`), false, 'the view lets go of the refused unit');
      assert.equal(lost.idempotencyRecord(`key-${loser}`), undefined);
      assert.equal(lost.state.tasks.get('shared')?.version, 2);
    });
  });
});
