/**
 * The naive design the daemon is measured against: the same create route (zod validation, the same task built) on
 * Express and lowdb, where every request changes the lowdb document and awaits `db.write()`, which rewrites the whole
 * file. (lowdb's writer, steno, lets concurrent writes share one rewrite, and never fsyncs: the baseline gets that
 * for free.)
 */
import express, { type Express } from 'express';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { ulid } from 'ulid';
import { buildTask } from '../../daemon/src/protocol/index.js';
import { CreateTaskBody, type Task } from '../../daemon/src/protocol/index.js';

interface NaiveData {
  tasks: Record<string, Task>;
}

/** `preload` tasks are in the file before the first request, as in a registry that has been used for a while. */
export async function createNaiveApp(file: string, preload: number): Promise<Express> {
  // The file adapter itself: lowdb's presets would switch to memory under NODE_ENV=test.
  const db = new Low<NaiveData>(new JSONFile<NaiveData>(file), { tasks: {} });
  const at = new Date().toISOString();
  for (let i = 0; i < preload; i++) {
    const id = `task_${ulid()}`;
    db.data.tasks[id] = buildTask({ title: `stored task ${i}`, type: 'bench', tags: ['bench'] }, id, at);
  }
  await db.write();

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.json({ limit: '1mb' }));
  app.post('/v1/tasks', async (req, res) => {
    const parsed = CreateTaskBody.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: { code: 'validation_failed', message: parsed.error.message } });
      return;
    }
    const id = parsed.data.id ?? `task_${ulid()}`;
    const task = buildTask(parsed.data, id, new Date().toISOString());
    db.data.tasks[id] = task;
    await db.write();
    res.status(201).json(task);
  });
  return app;
}
