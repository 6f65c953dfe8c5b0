/**
 * The event log on its own: group commit (a burst of appends shares fsyncs, each promise resolves only once its lines
 * are on disk, in append order) and the repair of a torn final line.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, isCommitMarker } from '../../../daemon/src/store/file/journal.js';
import { replaceDatasync } from '../support/datasync.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

/** Counts the real fdatasync calls of every FileHandle (the calls still happen). */
async function countDatasyncs<T>(dir: string, run: () => Promise<T>): Promise<{ result: T; syncs: number }> {
  let syncs = 0;
  const restore = await replaceDatasync(dir, (real) => {
    syncs++;
    return real();
  });
  try {
    return { result: await run(), syncs };
  } finally {
    restore();
  }
}

describe('core: the event log', function () {
  let dir: string;
  beforeEach(() => {
    dir = makeTempHome('journal');
  });
  afterEach(() => removeTempHome(dir));

  it('writes a burst of 500 appends with far fewer fsyncs, in order, each durable before it resolves', async () => {
    const journal = await Journal.open(join(dir, 'events'));
    const durableOrder: number[] = [];
    const resolvedOrder: number[] = [];
    const { syncs } = await countDatasyncs(dir, () =>
      Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          journal.append([JSON.stringify({ seq: i + 1 })], i + 1, i + 1, () => durableOrder.push(i)).then(() => {
            // By the time a promise resolves, its own line is in the file.
            assert.ok(durableOrder.includes(i));
            resolvedOrder.push(i);
          }),
        ),
      ),
    );
    await journal.close();
    assert.ok(syncs >= 1 && syncs <= 10, `${syncs} fsyncs for 500 appends`);
    assert.deepEqual(durableOrder, Array.from({ length: 500 }, (_, i) => i));
    assert.equal(resolvedOrder.length, 500);
    const [segment] = readdirSync(join(dir, 'events'));
    const lines = readFileSync(join(dir, 'events', segment as string), 'utf8').trimEnd().split('\n');
    const events = lines.filter((l) => !isCommitMarker(l));
    assert.deepEqual(events.map((l) => (JSON.parse(l) as { seq: number }).seq), Array.from({ length: 500 }, (_, i) => i + 1));
    // One commit marker per write, and the log ends on one.
    assert.equal(lines.length - events.length, syncs);
    assert.ok(isCommitMarker(lines.at(-1) as string));
  });

  it('cuts a torn final line when it opens the log, and appends after the last whole write', async () => {
    const journal = await Journal.open(join(dir, 'events'));
    await journal.append(['{"seq":1}', '{"seq":2}'], 1, 2);
    await journal.close();
    const segment = join(dir, 'events', readdirSync(join(dir, 'events'))[0] as string);
    const committed = '{"seq":1}\n{"seq":2}\n{"commit":2}\n';
    assert.equal(readFileSync(segment, 'utf8'), committed);
    appendFileSync(segment, '{"seq":3,"half');
    const reopened = await Journal.open(join(dir, 'events'));
    assert.equal(readFileSync(segment, 'utf8'), committed);
    await reopened.append(['{"seq":3}'], 3, 3);
    await reopened.close();
    assert.equal(readFileSync(segment, 'utf8'), `${committed}{"seq":3}\n{"commit":3}\n`);
  });

  it('drops the whole lines of a write that never reached its commit marker', async () => {
    const journal = await Journal.open(join(dir, 'events'));
    await journal.append(['{"seq":1}'], 1, 1);
    await journal.close();
    const segment = join(dir, 'events', readdirSync(join(dir, 'events'))[0] as string);
    // A crash in the middle of a large write: complete lines of it on disk, its marker not.
    appendFileSync(segment, '{"seq":2}\n{"idempotency":{"key":"k"}}\n{"inbox":{"fi');
    const reopened = await Journal.open(join(dir, 'events'));
    assert.deepEqual(reopened.tailCut, { path: segment, bytes: 51, lines: 3, torn: true, seqs: [2] }, 'says what it cut');
    await reopened.close();
    assert.equal(readFileSync(segment, 'utf8'), '{"seq":1}\n{"commit":1}\n');
  });

  it('a rewrite keeps the seq the log reached in its marker, even when the last events go, and marks itself', async () => {
    const journal = await Journal.open(join(dir, 'events'));
    await journal.append(['{"seq":1,"taskId":"a"}'], 1, 1);
    await journal.append(['{"seq":2,"taskId":"b"}'], 2, 2);
    await journal.rewrite((line) => !line.includes('"b"'));
    await journal.close();
    const segment = join(dir, 'events', readdirSync(join(dir, 'events'))[0] as string);
    // The record tells `doctor` that the gap is a rewrite's, not a lost line.
    assert.equal(readFileSync(segment, 'utf8'), '{"seq":1,"taskId":"a"}\n{"rewritten":true}\n{"commit":2}\n');
  });

  it('finds a marker that straddles the boundary of its backwards scan', async () => {
    const journal = await Journal.open(join(dir, 'events'));
    await journal.append(['{"seq":1}'], 1, 1);
    await journal.close();
    const segment = join(dir, 'events', readdirSync(join(dir, 'events'))[0] as string);
    const committed = '{"seq":1}\n{"commit":1}\n';
    assert.equal(readFileSync(segment, 'utf8'), committed);
    // A torn write long enough that the marker's leading newline sits 3 bytes before the scan's 64 KiB chunk.
    const needleAt = committed.indexOf('\n{"commit"');
    const size = needleAt + 3 + 64 * 1024;
    appendFileSync(segment, `{"seq":2,"x":"${'x'.repeat(size - committed.length - 14)}`);
    assert.equal(readFileSync(segment).length, size);
    const reopened = await Journal.open(join(dir, 'events'));
    await reopened.close();
    assert.equal(readFileSync(segment, 'utf8'), committed);
  });
});
