/** The replay law, checked over HTTP: folding a task's events gives the stored task (`GET /v1/tasks/:id/replay`). */
import { strict as assert } from 'node:assert';
import type { Replay } from '../../../daemon/src/protocol/index.js';
import type { HttpClient } from './http.js';

/** Fails with the daemon's diff when the replay of `id` disagrees with the stored task; returns the replay. */
export async function assertReplayConsistent(http: HttpClient, id: string): Promise<Replay> {
  const replay = await http.ok(http.get<Replay>(`/v1/tasks/${id}/replay`));
  assert.equal(replay.consistent, true, `replay of ${id}: ${JSON.stringify(replay.diff)}`);
  return replay;
}
