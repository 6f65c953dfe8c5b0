/** The index reads an event line's seq, type and task without parsing it; every shape of line, as a table. */
import { strict as assert } from 'node:assert';
import { eventMeta, eventMetaInBytes } from '../../../daemon/src/store/file/lineMeta.js';

const event = (fields: Record<string, unknown>) => JSON.stringify({ seq: 7, id: 'evt_x', at: '2026-01-01T00:00:00.000Z', type: 'task.log', actor: 'user', data: {}, ...fields });

/** `bytesOnly`: a line as the daemon writes it, which the byte path settles without decoding the line. */
const cases: { name: string; line: string; meta: ReturnType<typeof eventMeta>; bytesOnly?: true }[] = [
  { name: 'a task event', line: event({ taskId: 'build' }), meta: { seq: 7, type: 'task.log', taskId: 'build' }, bytesOnly: true },
  { name: 'a task event with an agent', line: event({ taskId: 'build', agentId: 'w' }), meta: { seq: 7, type: 'task.log', taskId: 'build' }, bytesOnly: true },
  { name: 'an id with quotes and backslashes', line: event({ taskId: 'a"b\\c' }), meta: { seq: 7, type: 'task.log', taskId: 'a"b\\c' } },
  { name: 'an id with non-ASCII characters', line: event({ taskId: 'tâche-✓' }), meta: { seq: 7, type: 'task.log', taskId: 'tâche-✓' }, bytesOnly: true },
  { name: 'an agent event', line: event({ type: 'agent.offline', agentId: 'w' }), meta: { seq: 7, type: 'agent.offline', taskId: undefined }, bytesOnly: true },
  {
    name: 'an agent event whose data names a task',
    line: event({ type: 'agent.reset', data: { note: { taskId: 'decoy' } }, agentId: 'w' }),
    meta: { seq: 7, type: 'agent.reset', taskId: undefined },
  },
  {
    name: 'an event of no task whose data ends like a task id',
    line: event({ type: 'agent.updated', data: { x: 1, taskId: 'decoy' } }),
    meta: { seq: 7, type: 'agent.updated', taskId: undefined },
  },
  {
    name: 'a task event whose data holds another task id',
    line: event({ type: 'task.created', data: { task: { dependsOn: [{ taskId: 'dep' }] } }, taskId: 'child' }),
    meta: { seq: 7, type: 'task.created', taskId: 'child' },
  },
  { name: 'keys in another order', line: JSON.stringify({ type: 'task.log', seq: 9, taskId: 'x', data: {} }), meta: { seq: 9, type: 'task.log', taskId: 'x' } },
  { name: 'a commit marker', line: '{"commit":12}', meta: null, bytesOnly: true },
  { name: 'an idempotency record holding a seq', line: JSON.stringify({ idempotency: { key: 'cmd:1', body: { seq: 4 } } }), meta: null },
  { name: 'an inbox record', line: JSON.stringify({ inbox: { file: 'a.jsonl', identity: '1:2', offset: 3, rev: 1 } }), meta: null },
];

describe('core: event line metadata', () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(eventMeta(c.line), c.meta);
      // The fast path agrees with a full parse wherever there is an event.
      const parsed = JSON.parse(c.line) as { seq?: number; type?: string; taskId?: string };
      if (c.meta) assert.deepEqual(c.meta, { seq: parsed.seq, type: parsed.type, taskId: parsed.taskId });
    });
    it(`${c.name}, read from the line's bytes`, () => {
      const bytes = Buffer.from(`{"commit":3}\n${c.line}\n{"seq":1`);
      const start = '{"commit":3}\n'.length;
      const end = start + Buffer.byteLength(c.line);
      const fromBytes = eventMetaInBytes(bytes, start, end);
      if (c.bytesOnly) assert.deepEqual(fromBytes, c.meta);
      assert.deepEqual(fromBytes ?? eventMeta(c.line), c.meta);
    });
    it(`${c.name}, in a long line read from its ends`, () => {
      const value = JSON.parse(c.line) as Record<string, unknown>;
      // A long first field of the data: the middle of the line is never decoded.
      if (typeof value.data === 'object') value.data = { pad: 'é'.repeat(2000), ...(value.data as object) };
      const line = JSON.stringify(value);
      const bytes = Buffer.from(`garbage\n${line}\n`);
      const start = 'garbage\n'.length;
      const end = start + Buffer.byteLength(line);
      assert.deepEqual(eventMetaInBytes(bytes, start, end) ?? eventMeta(line), c.meta);
    });
  }
});
