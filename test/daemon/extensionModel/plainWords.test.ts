import * as assert from 'node:assert/strict';
import { parentPidOfStat, ancestorsOf } from '../../../extension/src/common/processTree.js';
import { blockedByText, needsInputText, oneLine, stuckReasonText } from '../../../extension/src/model/plainWords.js';
import { taskPageView } from '../../../extension/src/model/taskPageView.js';
import { StuckReason } from '../../../daemon/src/protocol/schemas.js';
import { agent, task } from './fixtures.js';

describe('Extension model: plain words', () => {
  it('says every stuck reason in words, never the code', () => {
    for (const reason of [...StuckReason.options, 'process_exited']) {
      const text = stuckReasonText(reason);
      assert.doesNotMatch(text, /_/, reason);
    }
    assert.equal(stuckReasonText('lease_expired'), 'lease expired');
  });

  it('names what an agent waits for, and blockers by title', () => {
    assert.equal(needsInputText({ since: '', kind: 'permission', message: 'Bash(rm -rf build)' }), 'waiting for permission: Bash(rm -rf build)');
    assert.equal(needsInputText({ since: '', kind: 'question', message: '' }), 'waiting for an answer');
    assert.equal(blockedByText(['Design', 'Build', 'Test']), 'blocked by "Design", "Build" and 1 more');
  });

  it('keeps a 100 KB title to one short line', () => {
    const line = oneLine(`${'x'.repeat(100_000)}\n<img src=x onerror=alert(1)>`, 200);
    assert.equal(line.length, 200);
    assert.doesNotMatch(line, /\n/);
  });
});

describe('Extension model: the task page', () => {
  it('names dependencies and subtasks by title, offers the actions that apply, and warns about run tasks', () => {
    const dep = task('dep', { title: 'Design the grammar', state: 'active' });
    const sub = task('sub', { title: 'Unit tests', parentId: 'main' });
    const main = task('main', { title: 'Write the docs', state: 'failed', dependsOn: [{ taskId: 'dep', state: 'done' }], triggerSource: 'agent-tracker run', agentId: 'x' });
    const tasks = new Map([dep, sub, main].map((t) => [t.id, t]));
    const view = taskPageView(
      main,
      { task: (id) => tasks.get(id), agent: () => agent('x', { name: 'Builder' }), subtasksOf: () => [sub] },
      [{ seq: 1, id: 'e', at: '2026-01-01T10:00:00.000Z', type: 'task.log', taskId: 'main', actor: 'agent:x', data: { message: 'compiled', level: 'info' } }],
    );
    assert.deepEqual(view.dependencies.map((d) => [d.title, d.done]), [['Design the grammar', false]]);
    assert.deepEqual(view.subtasks.map((s) => s.title), ['Unit tests']);
    assert.deepEqual(view.actions, ['retry', 'replay']);
    assert.match(view.retryNote ?? '', /agent-tracker run/);
    assert.equal(view.agent?.name, 'Builder');
    assert.deepEqual(view.logs.map((l) => l.message), ['compiled']);
  });
});

describe('Extension model: the task page and the rows agree on what blocks', () => {
  it('counts a dependency this window does not hold as open only when the daemon says the task is blocked', () => {
    const src = { task: () => undefined, agent: () => undefined, subtasksOf: () => [] };
    const dependsOn = [{ taskId: 'elsewhere', state: 'done' as const }];
    const free = taskPageView(task('a', { dependsOn, blocked: false }), src, []);
    assert.deepEqual(free.dependencies.map((d) => d.done), [true]);
    assert.ok(!free.attention.some((line) => line.startsWith('Blocked by')));
    const held = taskPageView(task('b', { dependsOn, blocked: true }), src, []);
    assert.deepEqual(held.dependencies.map((d) => d.done), [false]);
    assert.ok(held.attention.includes('Blocked by a task not known here'));
  });
});

describe('Extension: process ancestry for terminals', () => {
  it('reads the parent pid even when the command name holds spaces and parentheses', () => {
    assert.equal(parentPidOfStat('4242 (my (weird) cmd) S 77 4242 77 0 -1'), 77);
    assert.equal(parentPidOfStat('garbage'), undefined);
  });

  it('follows the chain up to init, and finds this process among the ancestors of its child', async () => {
    const stats: Record<number, string> = { 30: '30 (claude) S 20 0', 20: '20 (bash) S 10 0', 10: '10 (code) S 1 0' };
    assert.deepEqual(await ancestorsOf(30, async (pid) => stats[pid]), [20, 10, 1]);
    if (process.platform === 'linux') assert.ok((await ancestorsOf(process.pid)).includes(process.ppid));
  });
});
