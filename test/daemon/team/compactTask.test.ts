/**
 * Tasks as the database keeps them: the empty values left out, put back on reading. Every kind of task reads back as
 * it was written (the same fields, in the same order), a row written whole reads the same, and the fields the database
 * itself reads are always there.
 */
import { strict as assert } from 'node:assert';
import { reduceTask, type Task, type TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { buildTask } from '../../../daemon/src/protocol/newTask.js';
import { compactTaskJson, expandTask } from '../../../daemon/src/store/postgres/compactTask.js';

const AT = '2026-12-07T10:00:00.000Z';
let seq = 0;
const event = (taskId: string, type: string, data: Record<string, unknown>): TrackerEvent =>
  ({ seq: ++seq, id: `evt_${seq}`, at: AT, type, actor: 'user', data, taskId }) as unknown as TrackerEvent;

function fold(task: Task, ...events: TrackerEvent[]): Task {
  return events.reduce((t, e) => reduceTask(t, e) as Task, task);
}

const cases: Record<string, Task> = {
  'a new pending task': buildTask({ title: 'seeded task 1' }, 'seed-1', AT),
  'an agent turn, active, with tags and input': buildTask(
    { title: 'Fix the build', state: 'active', agentId: 'claude-code:s1', tags: ['turn'], input: { prompt: 'fix it', transcriptPath: '/tmp/t.jsonl' }, priority: 3 },
    'turn-1',
    AT,
  ),
  'a failed task with errors, usage and a cleared lease': fold(
    buildTask({ title: 'Deploy', state: 'active', agentId: 'codex:c1', dependsOn: ['seed-1'] }, 'deploy', AT),
    event('deploy', 'task.usage', { usage: { inputTokens: 10, outputTokens: 5, costUsd: 0.01 }, model: 'gpt-5' }),
    event('deploy', 'task.progress', { progress: 40, step: 'Bash' }),
    event('deploy', 'task.transitioned', { from: 'active', to: 'failed', error: { message: 'exit 1', code: 'E' } }),
  ),
  'a task with a value that merely looks empty (0 progress of a parent, a blank step)': { ...buildTask({ title: 'Parent' }, 'parent', AT), progress: 0, step: '' },
  'a task named __proto__': buildTask({ title: 'odd' }, '__proto__', AT),
};

describe('team mode: tasks stored without their empty values', () => {
  for (const [name, task] of Object.entries(cases)) {
    it(`${name} reads back as written, field order included`, () => {
      const text = compactTaskJson(task);
      const back = expandTask(JSON.parse(text) as Partial<Task>);
      assert.deepEqual(back, task);
      assert.equal(JSON.stringify(back), JSON.stringify(task));
      const stored = JSON.parse(text) as Record<string, unknown>;
      for (const key of ['id', 'version', 'schemaVersion']) assert.ok(key in stored, `${key} is always written`);
    });
  }

  it('a new task is stored in a quarter of its whole text', () => {
    const task = cases['a new pending task'] as Task;
    const compact = compactTaskJson(task).length;
    const whole = JSON.stringify(task).length;
    assert.ok(compact * 4 <= whole, `${compact} bytes stored of ${whole}`);
  });

  it('a row written whole (an older daemon, a restore) reads the same', () => {
    for (const task of Object.values(cases)) assert.deepEqual(expandTask(JSON.parse(JSON.stringify(task)) as Partial<Task>), task);
  });
});
