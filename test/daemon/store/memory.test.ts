/** The store conformance suite on the in-memory store. */
import { MemoryStore } from '../../../daemon/src/store/memory/memoryStore.js';
import { publications, storeConformance } from './conformance.js';

storeConformance({
  kind: 'memory',
  open(clock) {
    const store = new MemoryStore(clock);
    // Nothing is on disk: a write is what the store publishes once it is durable.
    const published = publications(store);
    return Promise.resolve({ store, writes: () => Promise.resolve(published.length), dispose: () => store.close() });
  },
});
