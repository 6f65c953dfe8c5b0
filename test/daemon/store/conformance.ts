/**
 * What every store promises the engine (store/store.ts), as one suite of cases: `storeConformance` registers them for a
 * store its factory opens, and each store's test file calls it (memory and file in the daemon suite, PostgreSQL in the
 * postgres suite). A case says the contract; how a store keeps it (a log, a database) shows only through `writes`.
 */
import { strict as assert } from 'node:assert';
import type { Logger } from '../../../daemon/src/common/logger.js';
import { TrackerError, type TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { StoreUnavailableError } from '../../../daemon/src/store/errors.js';
import type { IdempotencyRecord, InboxCursor } from '../../../daemon/src/store/records.js';
import type { EventDraft, Store } from '../../../daemon/src/store/store.js';
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
export const deleted = (id: string): EventDraft => ({ type: 'task.deleted', taskId: id, actor: 'daemon', data: { reason: 'retention' } });
export const cursor = (file: string, offset: number, rev: number): InboxCursor => ({ file, identity: 'inode-1', offset, rev });

const parsed = (json: string) => JSON.parse(json) as TrackerEvent;

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

    describe('commit', () => {
      it('numbers the events after the last seq, folds them into the view at once, and makes them durable', async () => {
        const seq = store().seq;
        const committed = store().commit([created('t'), stepped('t', 'one')]);
        assert.equal(store().seq, seq + 2, 'the view moves on in the same step');
        assert.equal(store().state.tasks.get('t')?.version, 2);
        await committed.durable;
        assert.deepEqual(committed.events.map((e) => e.seq), [seq + 1, seq + 2]);
        assert.ok(store().durableSeq >= seq + 2);
        const again = store().commit([stepped('t', 'two')]);
        await again.durable;
        assert.equal(again.events[0]?.seq, seq + 3, 'no gap');
      });

      it('refuses a commit whose events cannot be encoded whole, with nothing in the view and no seq spent', async () => {
        await store().commit([created('first')]).durable;
        const before = { seq: store().seq, version: store().state.tasks.get('first')?.version };
        assert.throws(
          () => store().commit([{ type: 'task.created', taskId: 'bad', actor: 'user', data: { title: 'bad', input: { size: 10n } } }]),
          (error: unknown) => error instanceof TrackerError && error.code === 'validation_failed',
        );
        assert.throws(() => store().commit([created('also-bad'), { type: 'task.checkpoint', taskId: 'first', actor: 'user', data: { data: { n: 1n } } }]), TrackerError);
        assert.equal(store().seq, before.seq, 'no seq spent');
        assert.equal(store().state.tasks.has('bad'), false);
        assert.equal(store().state.tasks.has('also-bad'), false, 'refused whole');
        assert.equal(store().state.tasks.get('first')?.version, before.version);
        await store().commit([created('second')]).durable;
        assert.deepEqual((await store().readFeed(0, 100)).map((e) => e.seq), [1, 2], 'the next change takes the next seq');
        if (!opened.reopen) return;
        opened = await opened.reopen();
        assert.deepEqual([...store().state.tasks.keys()].sort(), ['first', 'second']);
        assert.deepEqual((await store().readFeed(0, 100)).map((e) => e.seq), [1, 2]);
      });

      it('publishes durable events to its listeners once each, in seq order', async () => {
        const published = publications(store());
        const commits = Array.from({ length: 20 }, (_, i) => store().commit([created(`t${i}`), stepped(`t${i}`, 'x')]));
        await Promise.all(commits.map((c) => c.durable));
        await store().flush();
        const seqs = published.flat().map((e) => e.seq);
        assert.deepEqual(seqs, Array.from({ length: 40 }, (_, i) => i + 1));
      });
    });

    describe('reads', () => {
      it('pages the feed by count and by bytes, and serves each task its history since its latest creation', async () => {
        for (let i = 0; i < 5; i++) store().commit([created(`t${i}`)]);
        await store().commit([stepped('t0', 'a'), stepped('t0', 'b'), deleted('t1')]).durable;
        await store().commit([created('t1'), stepped('t1', 'again')]).durable;
        const all = await store().readFeed(0, 100);
        assert.deepEqual(all.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert.deepEqual(all.map((e) => parsed(e.json).seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'the JSON is the event');
        assert.deepEqual((await store().readFeed(3, 2)).map((e) => e.seq), [4, 5]);
        const oneLine = (all[0]?.json.length ?? 0) + 1;
        assert.deepEqual((await store().readFeed(0, 100, oneLine)).map((e) => e.seq), [1, 2], 'the event that crosses the bound comes too');
        assert.deepEqual((await store().readFeed(10, 100)), []);

        const t0 = await store().readTaskEvents('t0');
        assert.deepEqual(t0?.map((e) => [e.seq, e.type]), [[1, 'task.created'], [6, 'task.progress'], [7, 'task.progress']]);
        assert.deepEqual((await store().readTaskEvents('t0', 1, 1))?.map((e) => e.seq), [6]);
        const t1 = await store().readTaskEvents('t1');
        assert.deepEqual(t1?.map((e) => e.type), ['task.created', 'task.progress'], 'a task created again has a history of its own');
        assert.equal(await store().readTaskEvents('nobody'), undefined);
      });
    });

    describe('bookkeeping records', () => {
      it('keeps idempotency records and the newest inbox cursor of each file, written with events or alone', async () => {
        const at = store().now();
        await store().commit([created('t')], { extras: { idempotency: idempotency('k1', at) } }).durable;
        await store().commit([], { extras: { idempotency: idempotency('k2', at), inbox: cursor('a.jsonl', 10, 1) } }).durable;
        await store().commit([], { extras: { inbox: cursor('a.jsonl', 25, 2) } }).durable;
        await store().commit([], { extras: { inbox: cursor('b.jsonl', 3, 1) } }).durable;
        const check = () => {
          assert.deepEqual(store().idempotencyRecord('k1'), idempotency('k1', at));
          assert.deepEqual(store().idempotencyRecord('k2'), idempotency('k2', at));
          assert.equal(store().idempotencyRecord('k3'), undefined);
          assert.equal(store().inboxCursor('a.jsonl')?.offset, 25);
          assert.deepEqual([...store().inboxCursors()].map((c) => c.file).sort(), ['a.jsonl', 'b.jsonl']);
        };
        check();
        if (!opened.reopen) return;
        opened = await opened.reopen();
        check();
      });
    });

    describe('backup', () => {
      it('is an image of one durable seq: its events, tasks, agents and records', async () => {
        const at = store().now();
        await store().commit([created('a'), stepped('a', 'x')], { extras: { idempotency: idempotency('k1', at), inbox: cursor('in.jsonl', 7, 1) } }).durable;
        await store().commit([created('b')]).durable;
        const image = await store().backup();
        assert.equal(image.seq, 3);
        assert.deepEqual(image.events.map((e) => e.seq), [1, 2, 3]);
        assert.deepEqual(image.tasks.map((t) => t.id).sort(), ['a', 'b']);
        assert.equal(image.tasks.find((t) => t.id === 'a')?.version, 2);
        assert.deepEqual(image.idempotency.map((r) => r.key), ['k1']);
        assert.deepEqual(image.inbox.map((c) => c.offset), [7]);
      });
    });

    describe('compaction', () => {
      it("drops removed tasks' history but their task.deleted events, and keeps the rest", async () => {
        await store().commit([created('gone'), created('kept'), stepped('gone', 'x'), stepped('kept', 'y')]).durable;
        await store().commit([deleted('gone')]).durable;
        await store().compact({ removed: new Set(['gone']) });
        assert.equal(store().state.tasks.has('gone'), false);
        const feed = (await store().readFeed(0, 100)).map((e) => parsed(e.json));
        assert.deepEqual(feed.map((e) => [e.seq, e.taskId, e.type]), [
          [2, 'kept', 'task.created'],
          [4, 'kept', 'task.progress'],
          [5, 'gone', 'task.deleted'],
        ]);
        assert.deepEqual((await store().readTaskEvents('kept'))?.map((e) => e.seq), [2, 4]);
        const next = store().commit([created('after')]);
        await next.durable;
        assert.equal(next.events[0]?.seq, 6, 'numbering goes on past what was dropped');
      });
    });

    describe('an unavailable store', () => {
      it('refuses writes and backups with StoreUnavailableError once closed, and says so in its health', async () => {
        await store().commit([created('t')]).durable;
        assert.equal((await store().health()).ok, true);
        await store().close();
        assert.throws(() => store().commit([created('late')]), StoreUnavailableError);
        assert.throws(() => store().joinCommits(() => store().commit([created('late')])), StoreUnavailableError);
        await assert.rejects(store().backup(), StoreUnavailableError);
        const health = await store().health();
        assert.equal(health.ok, false);
        assert.equal(health.kind, factory.kind);
        assert.equal(store().state.tasks.has('late'), false);
      });
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
