/**
 * The file store's durable image: what a snapshot or a backup is taken from is the registry as of the last event on
 * disk. Commits still waiting for their write must not show in it, and a record that two pending commits changed must
 * show the first one's value once that one alone is written (a snapshot holding an older value under a newer seq would
 * lose the first commit at the next start, since replay begins after the snapshot's seq).
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { systemClock } from '../../../daemon/src/clock.js';
import { homePaths } from '../../../daemon/src/home.js';
import type { Logger } from '../../../daemon/src/logger.js';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { FileStore } from '../../../daemon/src/store/file/fileStore.js';
import type { EventDraft } from '../../../daemon/src/store/store.js';
import { replaceDatasync } from '../support/datasync.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

const created = (id: string): EventDraft => ({ type: 'task.created', taskId: id, actor: 'user', data: { title: id } });
const stepped = (id: string, step: string): EventDraft => ({ type: 'task.progress', taskId: id, actor: 'user', data: { step } });

/** Holds every fdatasync of the process until the test lets it go, one at a time. */
async function gateDatasync(dir: string) {
  const waiting: (() => void)[] = [];
  const restore = await replaceDatasync(dir, (real) => new Promise<void>((resolve) => waiting.push(resolve)).then(real));
  const until = async (test: () => boolean) => {
    for (let i = 0; i < 500 && !test(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.ok(test(), 'timed out waiting for a write');
  };
  return {
    /** Waits until a write is held, then lets it through. */
    async releaseOne() {
      await until(() => waiting.length > 0);
      (waiting.shift() as () => void)();
    },
    waitForWrite: () => until(() => waiting.length > 0),
    restore() {
      restore();
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

describe('core: the durable image behind snapshots and backups', function () {
  let home: string;
  let store: FileStore | undefined;
  let gate: Awaited<ReturnType<typeof gateDatasync>> | undefined;

  beforeEach(() => {
    home = makeTempHome('durable-image');
  });
  afterEach(async () => {
    gate?.restore();
    gate = undefined;
    await store?.close();
    store = undefined;
    removeTempHome(home);
  });

  const taskIn = (image: { tasks: readonly Task[] }, id: string) => image.tasks.find((task) => task.id === id);

  it('holds only what is on disk, and each pending commit\'s values as it is written', async () => {
    store = await FileStore.open(homePaths(home), systemClock, quiet);
    await store.commit([created('a')]).durable;
    gate = await gateDatasync(home);

    // First write: a's first step. It is held in its fsync while the next commits queue behind it.
    const first = store.commit([stepped('a', 'one')]).durable;
    await gate.waitForWrite();
    const second = store.commit([stepped('a', 'two'), created('b')], {
      extras: { idempotency: { key: 'k', hash: '', status: 200, body: null, at: store.now() } },
    }).durable;
    assert.equal(store.state.tasks.get('a')?.step, 'two', 'the view already has every commit');

    let image = await store.backup();
    assert.equal(image.seq, 1);
    assert.equal(taskIn(image, 'a')?.step, '', 'nothing pending is in the image');
    assert.equal(taskIn(image, 'b'), undefined);
    assert.deepEqual(image.idempotency, []);
    assert.deepEqual(image.events.map((event) => event.seq), [1]);

    await gate.releaseOne();
    await first;
    image = await store.backup();
    assert.equal(image.seq, 2);
    assert.equal(taskIn(image, 'a')?.step, 'one', 'the first commit is durable, the second is not');
    assert.equal(taskIn(image, 'a')?.version, 2);
    assert.equal(taskIn(image, 'b'), undefined);

    await gate.releaseOne();
    await second;
    image = await store.backup();
    assert.equal(image.seq, 4);
    assert.equal(taskIn(image, 'a')?.step, 'two');
    assert.ok(taskIn(image, 'b'));
    assert.deepEqual(image.idempotency.map((record) => record.key), ['k']);
  });

  it('keeps a removed task in the image until its removal is written, and restarts from a snapshot taken between', async () => {
    store = await FileStore.open(homePaths(home), systemClock, quiet);
    await store.commit([created('a'), created('b')]).durable;
    gate = await gateDatasync(home);

    const first = store.commit([stepped('a', 'one')]).durable;
    await gate.waitForWrite();
    const removal = store.commit([{ type: 'task.deleted', taskId: 'a', actor: 'user', data: { reason: 'test' } }]).durable;
    assert.equal(store.state.tasks.has('a'), false);
    let image = await store.backup();
    assert.equal(taskIn(image, 'a')?.step, '', 'still on disk as it was');

    await gate.releaseOne();
    await first;
    image = await store.backup();
    assert.equal(taskIn(image, 'a')?.step, 'one', 'on disk with its first step, its removal still pending');

    // A crash now would keep a with its step: a snapshot taken now (its records are captured as it is called) must say
    // so under seq 3, and the next start replays the removal after it.
    const snapshotting = store.snapshot();
    gate.restore();
    gate = undefined;
    await Promise.all([snapshotting, removal]);
    const { registry } = homePaths(home);
    const snapshot = readFileSync(registry, 'utf8');
    const written = JSON.parse(snapshot) as { meta: { seq: number }; tasks: Record<string, Task> };
    assert.equal(written.meta.seq, 3);
    assert.equal(written.tasks.a?.step, 'one');
    // As after a crash before the next snapshot: the one taken above is what the next start finds.
    await store.close();
    writeFileSync(registry, snapshot);

    store = await FileStore.open(homePaths(home), systemClock, quiet);
    assert.equal(store.state.tasks.has('a'), false, 'the removal was written, and replayed after the snapshot');
    assert.ok(store.state.tasks.has('b'));
    assert.equal(store.seq, 4);
  });
});
