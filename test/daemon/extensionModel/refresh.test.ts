import * as assert from 'node:assert/strict';
import { NodeCache } from '../../../extension/src/views/nodeCache.js';
import { RefreshScheduler } from '../../../extension/src/views/refreshScheduler.js';

describe('Extension model: refresh coalescing and node identity', () => {
  const cases: [string, (string[] | undefined)[], (string[] | undefined)[]][] = [
    ['names each element once however often it changed', [['a', 'b'], ['a'], ['b', 'c']], [['a', 'b', 'c']]],
    ['turns any whole-tree request into one whole-tree refresh', [['a'], undefined, ['b']], [undefined]],
    ['fires nothing when nothing was named', [[]], []],
  ];
  for (const [what, scheduled, fired] of cases) {
    it(what, () => {
      const seen: (string[] | undefined)[] = [];
      const scheduler = new RefreshScheduler<string>((elements) => seen.push(elements));
      for (const elements of scheduled) scheduler.schedule(elements);
      scheduler.flush();
      scheduler.dispose();
      assert.deepEqual(seen, fired);
    });
  }

  it('flushes by itself after the window', async () => {
    const seen: (string[] | undefined)[] = [];
    const scheduler = new RefreshScheduler<string>((elements) => seen.push(elements), 100);
    scheduler.schedule(['a']);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (seen.length > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    assert.deepEqual(seen, [['a']]);
    scheduler.dispose();
  });

  it('keeps a node for its key until cleared, and names only the nodes already shown', () => {
    let made = 0;
    const cache = new NodeCache<string, { key: string; n: number }>((key) => ({ key, n: ++made }));
    const a = cache.get('a');
    assert.equal(cache.get('a'), a);
    cache.get('b');
    assert.deepEqual(cache.shown(['a', 'never']).map((n) => n.key), ['a']);
    assert.equal(cache.all().length, 2);
    cache.clear();
    assert.notEqual(cache.get('a'), a);
    assert.equal(made, 3);
  });
});
