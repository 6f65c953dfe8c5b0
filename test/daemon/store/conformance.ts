/**
 * What every store promises the engine (store/store.ts), as one suite of cases: `storeConformance` registers them for a
 * store its factory opens, and each store's test file calls it (memory and file in the daemon suite, PostgreSQL in the
 * postgres suite). A case says the contract; how a store keeps it (a log, a database) shows only through `writes`.
 */
import { strict as assert } from 'node:assert';
import type { Logger } from '../../../daemon/src/common/logger.js';
import type { TrackerEvent } from '../../../daemon/src/protocol/index.js';
import type { EventDraft, IdempotencyRecord, InboxCursor, Store } from '../../../daemon/src/store/store.js';
import { TestClock } from '../support/testClock.js';

export const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** One store under test, on storage of its own. */
export interface OpenedStore {
  store: Store;
  /**
   * How many durable writes the store made so far, as its storage shows them: the file store's commit markers, the
   * entries PostgreSQL's commit_group took, the memory store's publications.
   */
  writes(): Promise<number>;
  /** Closes the store and opens it again on the same storage (the memory store has none: undefined). */
  reopen?(): Promise<OpenedStore>;
  /** Closes the store and removes its storage. */
  dispose(): Promise<void>;
}

export interface StoreFactory {
  kind: string;
  open(clock: TestClock): Promise<OpenedStore>;
}

export const created = (id: string): EventDraft => ({ type: 'task.created', taskId: id, actor: 'user', data: { title: id } });
export const stepped = (id: string, step: string): EventDraft => ({ type: 'task.progress', taskId: id, actor: 'user', data: { step } });
export const idempotency = (key: string, at: string): IdempotencyRecord => ({ key, hash: `hash-${key}`, status: 201, body: { key }, at });
export const cursor = (file: string, offset: number, rev: number): InboxCursor => ({ file, identity: 'inode-1', offset, rev });

/** The events of each onDurable call from now on. */
export function publications(store: Store): TrackerEvent[][] {
  const seen: TrackerEvent[][] = [];
  store.onDurable((events) => seen.push([...events]));
  return seen;
}

export function storeConformance(factory: StoreFactory): void {
  describe(`store conformance: ${factory.kind}`, function () {
    let opened: OpenedStore;
    let clock: TestClock;
    const store = () => opened.store;

    beforeEach(async () => {
      clock = new TestClock();
      opened = await factory.open(clock);
    });
    afterEach(async () => {
      await opened.dispose();
    });

    describe('joinCommits', () => {
      it('makes a unit of several commits one durable write, each commit seeing the ones before it', async () => {
        await store().commit([created('before')]).durable;
        const writesBefore = await opened.writes();
        const published = publications(store());
        const at = store().now();
        const { value, durable } = store().joinCommits(() => {
          const first = store().commit([created('a')], { extras: { idempotency: idempotency('k1', at) } });
          assert.equal(store().state.tasks.get('a')?.title, 'a', 'the second step sees the first');
          const second = store().commit([created('b'), stepped('a', 'x')], {
            extras: () => ({ idempotency: idempotency('k2', at), inbox: cursor('in.jsonl', 10, 1) }),
          });
          return [first, second];
        });
        assert.equal(value[0]?.durable, durable, 'every commit of the unit returns its promise');
        assert.equal(value[1]?.durable, durable);
        await durable;
        await store().flush();

        assert.equal((await opened.writes()) - writesBefore, 1, 'one durable write');
        const events = value.flatMap((c) => c.events);
        const seqs = events.map((e) => e.seq);
        const first = seqs[0] as number;
        assert.deepEqual(seqs, [first, first + 1, first + 2], 'contiguous seqs');
        assert.deepEqual(published.map((p) => p.map((e) => e.seq)), [seqs], 'published together');
        assert.deepEqual((await store().readFeed(first - 1, 10)).map((e) => e.seq), seqs);
        assert.equal(store().idempotencyRecord('k1')?.hash, 'hash-k1');
        assert.equal(store().idempotencyRecord('k2')?.hash, 'hash-k2');
        assert.equal(store().inboxCursor('in.jsonl')?.offset, 10);

        if (!opened.reopen) return;
        opened = await opened.reopen();
        assert.deepEqual([...store().state.tasks.keys()].sort(), ['a', 'b', 'before']);
        assert.equal(store().state.tasks.get('a')?.version, 2);
        assert.equal(store().idempotencyRecord('k1')?.hash, 'hash-k1');
        assert.equal(store().idempotencyRecord('k2')?.hash, 'hash-k2');
        assert.equal(store().inboxCursor('in.jsonl')?.offset, 10);
      });

      it('joins a call inside another to the outer unit', async () => {
        const writesBefore = await opened.writes();
        const { value, durable } = store().joinCommits(() => {
          const outer = store().commit([created('outer')]);
          const inner = store().joinCommits(() => store().commit([created('inner')]));
          return { outer, inner };
        });
        assert.equal(value.inner.durable, durable, 'the inner call returns the outer unit');
        assert.equal(value.inner.value.durable, durable);
        assert.equal(value.outer.durable, durable);
        await durable;
        await store().flush();
        assert.equal((await opened.writes()) - writesBefore, 1);
      });

      it('costs nothing when empty, and keeps what was folded before a commit that throws', async () => {
        const writesBefore = await opened.writes();
        const empty = store().joinCommits(() => 42);
        assert.equal(empty.value, 42);
        await empty.durable;
        assert.equal(await opened.writes(), writesBefore, 'an empty unit writes nothing');

        const seq = store().seq;
        assert.throws(
          () =>
            store().joinCommits(() => {
              store().commit([created('kept')]);
              store().commit([{ type: 'task.created', taskId: 'bad', actor: 'user', data: { title: 'bad', input: { n: 1n } } }]);
            }),
          /cannot be recorded/,
        );
        assert.equal(store().state.tasks.has('kept'), true);
        assert.equal(store().state.tasks.has('bad'), false);
        await store().flush();
        assert.equal((await opened.writes()) - writesBefore, 1, 'what was folded is written');
        const feed = await store().readFeed(0, 100);
        assert.equal(feed.length, 1);
        assert.equal((JSON.parse(feed[0]?.json ?? '{}') as TrackerEvent).taskId, 'kept');
        assert.ok(store().seq > seq);
      });
    });
  });
}
