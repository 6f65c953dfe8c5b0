import * as assert from 'node:assert/strict';
import { OwnActions } from '../../../extension/src/model/ownActions.js';
import { SortedIds, compareKeys, type SortKey } from '../../../extension/src/model/sortedIds.js';

describe('Extension model: sorted ids and own actions', () => {
  it('keeps ids in display order through inserts, moves and removals, as a full sort would', () => {
    const ids = new SortedIds();
    const keys = new Map<string, SortKey>();
    let seed = 7;
    const random = (n: number): number => (seed = (seed * 48271) % 2147483647) % n;
    for (let i = 0; i < 2000; i += 1) {
      const id = `t${random(300)}`;
      if (random(4) === 0) {
        ids.delete(id);
        keys.delete(id);
      } else {
        const key = { id, priority: 1 + random(10), createdAt: new Date(Date.UTC(2026, 0, 1) + random(1000) * 1000).toISOString() };
        ids.add(key);
        keys.set(id, key);
      }
    }
    const expected = [...keys.values()].sort(compareKeys).map((k) => k.id);
    assert.deepEqual(ids.ids(), expected);
    assert.deepEqual(ids.ids(10), expected.slice(0, 10));
    assert.equal(ids.size, keys.size);
    ids.reset([...keys.values()].reverse());
    assert.deepEqual(ids.ids(), expected);
  });

  it('counts what this window did for a while, then no longer', () => {
    let now = 1000;
    const own = new OwnActions(() => now);
    own.mark(['a']);
    assert.equal(own.isOwn('a'), true);
    assert.equal(own.isOwn('b'), false);
    now += 16_000;
    assert.equal(own.isOwn('a'), false);
  });
});
