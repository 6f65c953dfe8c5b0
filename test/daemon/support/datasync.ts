/** Watching or holding the fdatasync calls of every FileHandle of this process (the event log's, the snapshot's). */
import { open } from 'node:fs/promises';
import { join } from 'node:path';

type Datasync = () => Promise<void>;

/**
 * Replaces `datasync` on the prototype all FileHandles share (found through a probe file in `dir`): `replacement` gets
 * the real call, bound to its handle. Returns what puts the real one back.
 */
export async function replaceDatasync(dir: string, replacement: (real: Datasync) => Promise<void>): Promise<() => void> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { datasync: Datasync };
  await probe.close();
  const original = proto.datasync;
  proto.datasync = function (this: unknown) {
    return replacement(() => original.call(this));
  };
  return () => {
    proto.datasync = original;
  };
}
