/**
 * Task and event ids (ulid). ulid's default random source asks crypto for one byte per character, 16 calls per id,
 * which dominated the cost of bulk ingest; drawing the same bytes from a pooled buffer gives the same ids for a
 * fraction of the cost.
 */
import { randomFillSync } from 'node:crypto';
import { monotonicFactory, ulid, type PRNG, type ULIDFactory } from 'ulid';

const pool = new Uint8Array(4096);
let next = pool.length;

/** Uniform in [0, 1), from cryptographically random bytes. */
const pooledRandom: PRNG = () => {
  if (next >= pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return (pool[next++] as number) / 256;
};

export function newTaskId(): string {
  return `task_${ulid(undefined, pooledRandom)}`;
}

export function newApprovalId(): string {
  return `apr_${ulid(undefined, pooledRandom)}`;
}

export function newBudgetId(): string {
  return `budget_${ulid(undefined, pooledRandom)}`;
}

/** Strictly increasing within one process, as event ids must be. */
export function eventIdFactory(): ULIDFactory {
  return monotonicFactory(pooledRandom);
}
