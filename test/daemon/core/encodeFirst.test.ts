/**
 * A change is encoded before it touches the registry: a commit whose events cannot be written (here a BigInt, which
 * JSON cannot hold; in the wild a value nested past the encoder's stack) is refused whole, leaving nothing in memory
 * and no gap in seq, both in the running store and after a restart.
 */
import { strict as assert } from 'node:assert';
import { systemClock } from '../../../daemon/src/common/clock.js';
import { homePaths } from '../../../daemon/src/home/home.js';
import type { Logger } from '../../../daemon/src/common/logger.js';
import { TrackerError } from '../../../daemon/src/protocol/index.js';
import { FileStore } from '../../../daemon/src/store/file/fileStore.js';
import type { EventDraft } from '../../../daemon/src/store/store.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

function created(id: string, input: Record<string, unknown> = {}): EventDraft {
  return { type: 'task.created', taskId: id, actor: 'user', data: { title: id, input } };
}

describe('core: a change is encoded before it is applied', function () {
  let home: string;
  let store: FileStore | undefined;

  beforeEach(() => {
    home = makeTempHome('encode-first');
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    removeTempHome(home);
  });

  it('refuses an event that cannot be encoded with nothing in memory and no seq spent', async () => {
    store = await FileStore.open(homePaths(home), systemClock, quiet);
    await store.commit([created('first')]).durable;
    const before = { seq: store.seq, version: store.state.tasks.get('first')?.version };

    assert.throws(
      () => store!.commit([created('bad', { size: 10n })]),
      (error: unknown) => error instanceof TrackerError && error.code === 'validation_failed',
    );
    assert.throws(() => store!.commit([{ type: 'task.checkpoint', taskId: 'first', actor: 'user', data: { data: { n: 1n } } }]), TrackerError);
    assert.equal(store.seq, before.seq, 'no seq spent');
    assert.equal(store.state.tasks.has('bad'), false);
    assert.equal(store.state.tasks.get('first')?.version, before.version, 'the task is untouched');
    assert.deepEqual((await store.readFeed(0, 100)).map((e) => e.seq), [1]);

    await store.commit([created('second')]).durable;
    assert.equal(store.seq, before.seq + 1, 'the next change takes the next seq: no gap');
    await store.close();

    store = await FileStore.open(homePaths(home), systemClock, quiet);
    assert.deepEqual([...store.state.tasks.keys()].sort(), ['first', 'second']);
    assert.deepEqual((await store.readFeed(0, 100)).map((e) => e.seq), [1, 2]);
  });
});
