/**
 * A `task.created` event carries the create request's fields; the shared reducer builds the task from them. Logs
 * written before carry the whole task in `data.task`: such a log still recovers to the very task it held, its
 * history replays consistently, and the task goes on living. New events are the request's fields, not the task.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { foldTask, type Task, type TrackerEvent } from '../../../daemon/src/protocol/index.js';
import { assertReplayConsistent } from '../support/replayLaw.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

/**
 * The created event of an earlier daemon, as it stands in its log: the whole task in `data.task`, created a millisecond
 * before the event's own time. Its seq and id are set to those of the event it replaces.
 */
const OLD_LINE =
  '{"seq":0,"id":"evt_old","at":"2026-01-05T09:00:00.001Z","type":"task.created","actor":"user","data":{"task":{' +
  '"id":"legacy","title":"Written by an earlier daemon","description":"kept as it was","type":"import","priority":3,' +
  '"tags":["old"],"state":"pending","agentId":null,"parentId":null,"requestId":"req-7","jobType":"manual",' +
  '"triggerSource":null,"input":{"rows":12},"progress":0,"step":"","itemsProcessed":0,"itemsFailed":0,"attempts":0,' +
  '"maxAttempts":2,"lastError":null,"errors":[],"result":null,"outputs":{},"artifacts":[],"dependsOn":[],"blocks":[],' +
  '"checkpoint":null,"createdAt":"2026-01-05T09:00:00.000Z","updatedAt":"2026-01-05T09:00:00.000Z","assignedAt":null,' +
  '"startedAt":null,"completedAt":null,"expiresAt":null,"lease":null,"stuck":null,"needsInput":null,"usage":null,' +
  '"blocked":false,"metrics":{"waitMs":null,"workMs":null,"cycleMs":null},"archived":false,"version":1,' +
  '"schemaVersion":1}},"taskId":"legacy"}';
const OLD_TASK = (JSON.parse(OLD_LINE) as { data: { task: Task } }).data.task;

function segments(home: string): string[] {
  return readdirSync(join(home, 'events')).filter((n) => n.endsWith('.jsonl')).map((n) => join(home, 'events', n));
}

/** Puts OLD_LINE in place of the created event of task `legacy` in the log. */
function rewriteCreatedAsOld(home: string): void {
  const taskId = 'legacy';
  for (const path of segments(home)) {
    const lines = readFileSync(path, 'utf8').split('\n');
    const at = lines.findIndex((line) => line.includes('"type":"task.created"') && line.endsWith(`"taskId":"${taskId}"}`));
    if (at < 0) continue;
    const event = JSON.parse(lines[at] as string) as TrackerEvent;
    lines[at] = OLD_LINE.replace('"seq":0,"id":"evt_old"', `"seq":${event.seq},"id":"${event.id}"`);
    writeFileSync(path, lines.join('\n'));
    return;
  }
  throw new Error(`no created event of ${taskId} in the log`);
}

describe('core: the created event', function () {
  let d: TestDaemon | undefined;
  afterEach(async () => {
    await d?.close();
    d = undefined;
  });

  it('carries the request fields, not the task, and folds to the task the API shows', async () => {
    d = await startTestDaemon();
    const body = { id: 'lean', title: 'Lean', priority: 2, tags: ['x'], state: 'active', agentId: 'w', dependsOn: ['lean-dep', 'lean-dep'] };
    await d.http.ok(d.http.post('/v1/tasks', { id: 'lean-dep', title: 'Dep' }));
    const task = await d.http.ok(d.http.post<Task>('/v1/tasks', body));
    const events = await d.http.ok(d.http.get<{ items: TrackerEvent[] }>('/v1/tasks/lean/events'));
    const created = events.items.find((e) => e.type === 'task.created');
    const { id: _id, ...fields } = body;
    assert.deepEqual(created?.data, fields);
    assert.equal(task.createdAt, created?.at);
    assert.equal(task.startedAt, created?.at);
    assert.equal(task.attempts, 1);
    assert.deepEqual(task.dependsOn, [{ taskId: 'lean-dep', state: 'done' }]);
    const { blocked: _b, blocks: _bs, metrics: _m, ...stored } = task;
    const { blocked: _b2, blocks: _bs2, metrics: _m2, ...folded } = foldTask(events.items) as Task;
    assert.deepEqual(folded, stored);
    await assertReplayConsistent(d.http, 'lean');
  });

  it('reads a log whose created event carries the whole task, from the log alone and then from a snapshot', async () => {
    d = await startTestDaemon();
    await d.http.ok(d.http.post('/v1/tasks', { id: 'legacy', title: 'placeholder' }));
    await d.http.ok(d.http.post('/v1/tasks', { id: 'new', title: 'New' }));
    await d.stop();
    rewriteCreatedAsOld(d.home);
    rmSync(join(d.home, 'registry.json'));

    d = await startTestDaemon({ home: d.home });
    assert.deepEqual(await d.http.ok(d.http.get<Task>('/v1/tasks/legacy')), OLD_TASK, 'the task exactly as the old event held it');
    const replay = await assertReplayConsistent(d.http, 'legacy');
    assert.deepEqual(replay.steps[0]?.state, OLD_TASK);

    await d.http.ok(d.http.post('/v1/tasks/legacy/claim', { agentId: 'w' }));
    const started = await d.http.ok(d.http.post<Task>('/v1/tasks/legacy/transition', { to: 'active', agentId: 'w' }));
    assert.equal(started.createdAt, OLD_TASK.createdAt);
    assert.equal(started.attempts, 1);
    assert.equal(started.version, 3);
    await assertReplayConsistent(d.http, 'legacy');

    // Again from the snapshot this daemon writes, with the old line still in the history below it.
    await d.stop();
    d = await startTestDaemon({ home: d.home });
    const { blocked: _b, blocks: _bs, metrics: _m, ...again } = await d.http.ok(d.http.get<Task>('/v1/tasks/legacy'));
    const { blocked: _b2, blocks: _bs2, metrics: _m2, ...before } = started;
    assert.deepEqual(again, before);
    await assertReplayConsistent(d.http, 'legacy');
  });
});
