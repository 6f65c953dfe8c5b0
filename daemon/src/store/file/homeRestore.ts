/**
 * Restores a backup into a file-store home: the events become the home's event log and the tasks, agents, idempotency
 * records and inbox cursors its registry snapshot at the backup's seq, so a daemon started there recovers exactly the
 * backed-up state. The home's lock is held throughout: no daemon can start on it halfway.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { homePaths } from '../../home/home.js';
import type { BackupImage } from '../backup.js';
import { Journal, listSegments } from './journal.js';
import { HomeLock } from '../../home/lock.js';
import { Registry, REGISTRY_SCHEMA_VERSION } from './snapshot.js';

/** The target holds a registry already and `force` was not given. */
export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

const EVENTS_PER_WRITE = 10_000;

/** Throws HomeLockedError when a daemon runs on the home, RestoreRefusedError when it holds data and `force` is off. */
export async function restoreIntoHome(home: string, image: BackupImage, options: { force: boolean }): Promise<void> {
  const paths = homePaths(home);
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  const lock = HomeLock.acquire(paths.lock, paths.home);
  try {
    if (existsSync(paths.registry) || listSegments(paths.events).length > 0) {
      if (!options.force) throw new RestoreRefusedError(`${paths.home} already holds a registry; restore with --force to replace it`);
      rmSync(paths.registry, { force: true });
      rmSync(paths.events, { recursive: true, force: true });
    }
    // The log first: were the restore cut short before the snapshot is written, the log alone rebuilds the events'
    // state, and the next restore sees data there and asks for --force rather than mixing two registries.
    const journal = await Journal.open(paths.events);
    try {
      for (let start = 0; start < image.events.length; start += EVENTS_PER_WRITE) {
        const events = image.events.slice(start, start + EVENTS_PER_WRITE);
        const firstSeq = events[0]?.seq ?? 1;
        await journal.append(events.map((event) => JSON.stringify(event)), firstSeq, events.at(-1)?.seq ?? firstSeq);
      }
      // The log's last commit marker names the backup's seq even when its last events were compacted away before the
      // backup: recovery trusts no snapshot that claims more than the log reached.
      if ((image.events.at(-1)?.seq ?? 0) < image.seq) await journal.append([], image.seq + 1, image.seq);
    } finally {
      await journal.close();
    }
    const registry = new Registry(paths.registry);
    await registry.write({
      meta: { seq: image.seq, savedAt: new Date().toISOString(), schemaVersion: REGISTRY_SCHEMA_VERSION },
      tasks: image.tasks,
      agents: image.agents,
      idempotency: image.idempotency,
      inbox: image.inbox,
    });
  } finally {
    lock.release();
  }
}
