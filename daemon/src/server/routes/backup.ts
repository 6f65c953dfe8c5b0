/** GET /v1/backup: the registry as of one durable seq, streamed in the backup format while the daemon goes on. */
import { once } from 'node:events';
import type { Response } from 'express';
import type { Tracker } from '../../engine/tracker.js';
import { writeBackup } from '../../store/backup.js';
import type { Handlers } from './handlers.js';

export function backupHandlers(tracker: Tracker): Pick<Handlers, 'backup'> {
  return {
    backup: async (_req, res) => {
      const image = await tracker.store.backup();
      res.status(200);
      res.setHeader('content-type', 'application/x-ndjson');
      res.setHeader('content-disposition', `attachment; filename="agent-tracker-backup-${image.seq}.jsonl"`);
      await writeBackup(image, (chunk) => send(res, chunk), tracker.store.now());
      res.end();
    },
  };
}

/** Writes with backpressure: a slow reader holds one chunk in the daemon's memory, not the whole backup. */
async function send(res: Response, chunk: string): Promise<void> {
  if (res.destroyed) throw new Error('the client went away during the backup');
  if (res.write(chunk)) return;
  await Promise.race([once(res, 'drain'), once(res, 'close')]);
}
