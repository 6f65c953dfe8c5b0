/** The ceiling: Express parsing the same JSON body and answering the same task JSON, doing nothing else. */
import express, { type Express } from 'express';
import { buildTask } from '../../../daemon/src/protocol/index.js';

export function createNoopApp(): Express {
  const task = buildTask({ title: 'bench task', type: 'bench', tags: ['bench'] }, 'task_01JBENCHNOOP0000000000000000', new Date().toISOString());
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.json({ limit: '1mb' }));
  app.post('/v1/tasks', (_req, res) => {
    res.status(201).json(task);
  });
  return app;
}
