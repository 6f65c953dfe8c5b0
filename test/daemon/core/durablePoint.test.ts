/**
 * Snapshots and backups describe a durable point of the log: taken while writes are pending, they hold the view as
 * it was when they were asked for, and are used only once the log holds every event up to its seq. A snapshot
 * holding an event the log then failed to write would bring that event back at the next start.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { systemClock } from '../../../daemon/src/common/clock.js';
import { homePaths } from '../../../daemon/src/home/home.js';
import type { Logger } from '../../../daemon/src/common/logger.js';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { FileStore } from '../../../daemon/src/store/file/fileStore.js';
import type { EventDraft } from '../../../daemon/src/store/store.js';
import { replaceDatasync } from '../support/datasync.js';
import { pollUntil } from '../../support/poll.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

const created = (id: string): EventDraft => ({ type: 'task.created', taskId: id, actor: 'user', data: { title: id } });
const stepped = (id: string, step: string): EventDraft => ({ type: 'task.progress', taskId: id, actor: 'user', data: { step } });

/** Holds every fdatasync of the process until the test lets it go (or fails it), one at a time. */
async function gateDatasync(dir: string) {
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const restore = await replaceDatasync(dir, (real) => new Promise<void>((resolve, reject) => waiting.push({ resolve, reject })).then(real));
  const next = async () => {
    await pollUntil('a write to reach its fsync', () => (waiting.length > 0 ? true : undefined), 5000, 5);
    return waiting.shift() as (typeof waiting)[number];
  };
  return {
    waitForWrite: () => pollUntil('a write to reach its fsync', () => (waiting.length > 0 ? true : undefined), 5000, 5),
    releaseOne: async () => (await next()).resolve(),
    failOne: async () => (await next()).reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })),
    restore() {
      restore();
      for (const held of waiting.splice(0)) held.resolve();
    },
  };
}

/** Whether a promise has settled by now (after the turns already queued). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('core: snapshots and backups hold only what is on disk', function () {
  let home: string;
  let store: FileStore | undefined;
  let gate: Awaited<ReturnType<typeof gateDatasync>> | undefined;

  beforeEach(() => {
    home = makeTempHome('durable-point');
  });
  afterEach(async () => {
    gate?.restore();
    gate = undefined;
    await store?.close();
    store = undefined;
    removeTempHome(home);
  });

  const taskIn = (image: { tasks: readonly Task[] }, id: string) => image.tasks.find((task) => task.id === id);

  it('a backup asked for while writes are pending waits for them, and holds what they wrote', async () => {
    store = await FileStore.open(homePaths(home), systemClock, quiet);
    await store.commit([created('a')]).durable;
    gate = await gateDatasync(home);

    // First write: a's first step, held in its fsync while the next commit queues behind it.
    const first = store.commit([stepped('a', 'one')]).durable;
    await gate.waitForWrite();
    const second = store.commit([stepped('a', 'two'), created('b')], {
      extras: { idempotency: { key: 'k', hash: '', status: 200, body: null, at: store.now() } },
    }).durable;
    const backup = store.backup();

    assert.equal(await settled(backup), false, 'nothing is on disk yet');
    await gate.releaseOne();
    await first;
    assert.equal(await settled(backup), false, 'the second write is still pending');
    await gate.releaseOne();
    await second;

    const image = await backup;
    assert.equal(image.seq, 4);
    assert.equal(taskIn(image, 'a')?.step, 'two');
    assert.ok(taskIn(image, 'b'));
    assert.deepEqual(image.idempotency.map((record) => record.key), ['k']);
    assert.deepEqual(image.events.map((event) => event.seq), [1, 2, 3, 4]);
  });

  it('a snapshot taken while a removal is pending is written once the removal is, and a restart from it agrees', async () => {
    store = await FileStore.open(homePaths(home), systemClock, quiet);
    await store.commit([created('a'), created('b')]).durable;
    gate = await gateDatasync(home);

    const first = store.commit([stepped('a', 'one')]).durable;
    await gate.waitForWrite();
    const removal = store.commit([{ type: 'task.deleted', taskId: 'a', actor: 'user', data: { reason: 'test' } }]).durable;
    const snapshotting = store.snapshot();
    const { registry } = homePaths(home);
    const before = existsSync(registry) ? readFileSync(registry, 'utf8') : '';

    await gate.releaseOne();
    await first;
    assert.equal(existsSync(registry) ? readFileSync(registry, 'utf8') : '', before, 'not written while the removal is pending');
    gate.restore();
    gate = undefined;
    await Promise.all([snapshotting, removal]);
    const snapshot = readFileSync(registry, 'utf8');
    const written = JSON.parse(snapshot) as { meta: { seq: number }; tasks: Record<string, Task> };
    assert.equal(written.meta.seq, 4);
    assert.equal(written.tasks.a, undefined);
    // As after a crash before the next snapshot: the one taken above is what the next start finds.
    await store.close();
    writeFileSync(registry, snapshot);

    store = await FileStore.open(homePaths(home), systemClock, quiet);
    assert.equal(store.state.tasks.has('a'), false);
    assert.ok(store.state.tasks.has('b'));
    assert.equal(store.seq, 4);
  });

  it('a snapshot waiting for a write that fails is not written, and the next start has nothing of that write', async () => {
    store = await FileStore.open(homePaths(home), systemClock, quiet);
    await store.commit([created('a')]).durable;
    await store.snapshot();
    const { registry } = homePaths(home);
    const before = readFileSync(registry, 'utf8');
    gate = await gateDatasync(home);

    const lost = store.commit([created('lost')]).durable;
    await gate.waitForWrite();
    const snapshotting = store.snapshot();
    await gate.failOne();
    await assert.rejects(lost);
    await assert.rejects(snapshotting);
    assert.equal(readFileSync(registry, 'utf8'), before, 'the snapshot on disk is still the one before');
    gate.restore();
    gate = undefined;

    await store.close();
    store = await FileStore.open(homePaths(home), systemClock, quiet);
    assert.equal(store.state.tasks.has('lost'), false);
    assert.ok(store.state.tasks.has('a'));
    assert.equal(store.seq, 1);
  });
});
